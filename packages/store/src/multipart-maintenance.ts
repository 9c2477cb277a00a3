// The multipart-upload maintenance a blob transport may offer besides the BlobStore operations: S3 lists and
// aborts incomplete uploads, file:// the temp files of unfinished writes; http(s) has none. One place decides
// whether a transport offers it.

import type { BlobStore } from "./blob-store.js";

/** A multipart upload that was started and neither completed nor aborted. */
export interface PendingMultipartUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated?: Date;
}

export interface MultipartMaintenance {
  listMultipartUploads(prefix?: string): AsyncIterable<PendingMultipartUpload>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}

/** The transport's multipart maintenance, or undefined when it has no multipart uploads to maintain. */
export function multipartMaintenanceOf(blobs: BlobStore): MultipartMaintenance | undefined {
  const candidate = blobs as Partial<MultipartMaintenance>;
  return typeof candidate.listMultipartUploads === "function" && typeof candidate.abortMultipartUpload === "function"
    ? (blobs as unknown as MultipartMaintenance)
    : undefined;
}
