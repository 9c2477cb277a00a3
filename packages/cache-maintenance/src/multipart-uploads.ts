// Incomplete multipart uploads of an S3 cache, seen through the blob store when its transport can list them;
// other transports (file://, http) have none.

import type { BlobStore } from "@narwhal/store";

export interface IncompleteUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated?: Date;
}

interface MultipartCapable {
  listMultipartUploads(prefix?: string): AsyncIterable<IncompleteUpload>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}

function multipartCapable(blobs: BlobStore): MultipartCapable | undefined {
  const candidate = blobs as Partial<MultipartCapable>;
  return typeof candidate.listMultipartUploads === "function" && typeof candidate.abortMultipartUpload === "function"
    ? (blobs as unknown as MultipartCapable)
    : undefined;
}

export async function listIncompleteUploads(blobs: BlobStore): Promise<IncompleteUpload[]> {
  const capable = multipartCapable(blobs);
  if (capable === undefined) return [];
  const uploads: IncompleteUpload[] = [];
  for await (const upload of capable.listMultipartUploads()) uploads.push(upload);
  return uploads;
}

export async function abortUpload(blobs: BlobStore, upload: IncompleteUpload): Promise<void> {
  await multipartCapable(blobs)?.abortMultipartUpload(upload.key, upload.uploadId);
}
