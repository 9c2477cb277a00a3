// Incomplete uploads of a cache, seen through the blob store when its transport can list them: S3 multipart
// uploads, file:// temp files of unfinished writes; http has none.

import { multipartMaintenanceOf, type BlobStore, type PendingMultipartUpload } from "@narwhal/store";

export type IncompleteUpload = PendingMultipartUpload;

export async function listIncompleteUploads(blobs: BlobStore): Promise<IncompleteUpload[]> {
  const maintenance = multipartMaintenanceOf(blobs);
  if (maintenance === undefined) return [];
  const uploads: IncompleteUpload[] = [];
  for await (const upload of maintenance.listMultipartUploads()) uploads.push(upload);
  return uploads;
}

export async function abortUpload(blobs: BlobStore, upload: IncompleteUpload): Promise<void> {
  await multipartMaintenanceOf(blobs)?.abortMultipartUpload(upload.key, upload.uploadId);
}
