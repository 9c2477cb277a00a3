// How a multipart upload ends, shared by both upload paths: a quiet abort after a failure, and the ETag of the
// completed object (Ceph RGW answers CompleteMultipartUpload with an empty one).

import { AbortMultipartUploadCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/** Aborts, ignoring failures: the upload may already be gone, or the endpoint unreachable (a later run cleans up). */
export async function abortQuietly(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch {
    // Nothing more can be done here.
  }
}

/** The answered ETag, or HeadObject's when the server answered an empty one. */
export async function etagOf(
  client: S3Client,
  bucket: string,
  key: string,
  answered: string | undefined,
): Promise<string | undefined> {
  if (answered !== undefined && answered !== "" && answered !== '""') return answered;
  return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
}
