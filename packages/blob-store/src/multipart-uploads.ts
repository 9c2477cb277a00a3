// The optional capability a transport offers besides the BlobStore operations: listing and aborting uploads that
// were started and never finished (S3 multipart uploads, file:// temp files of unfinished writes; http has none).

/** An upload that was started and neither completed nor aborted. */
export interface PendingMultipartUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated?: Date;
}

export interface MultipartUploads {
  list(prefix?: string): AsyncIterable<PendingMultipartUpload>;
  abort(key: string, uploadId: string): Promise<void>;
}
