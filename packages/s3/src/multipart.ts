// Streams a body to S3 through @aws-sdk/lib-storage's Upload: one PUT when it fits in a part, else concurrent
// multipart; any failure (S3 or the body itself) aborts the multipart upload so no incomplete upload is left.

import { Readable } from "node:stream";
import type { S3Client, StorageClass } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { abortQuietly, etagOf } from "./multipart-upload-ends.js";
import { S3TransportError, toTransportError, type S3ErrorContext } from "./s3-errors.js";

export interface StreamedUploadRequest {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** x-amz-storage-class for the object (PutObject or CreateMultipartUpload), from the storage-class setting. */
  readonly storageClass?: string;
  readonly partSize: number;
  readonly queueSize: number;
  readonly endpoint: string;
}

export interface StreamedUploadResult {
  readonly size: number;
  readonly etag?: string;
  readonly multipart: boolean;
}

/** Counts bytes and remembers whether a failure came from the caller's body rather than from S3. */
class CountingBody {
  bytes = 0;
  failure: unknown = undefined;
  failed = false;
  readonly #source: AsyncIterable<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  async *pieces(): AsyncGenerator<Buffer> {
    try {
      for await (const piece of this.#source) {
        this.bytes += piece.byteLength;
        yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      }
    } catch (error) {
      this.failed = true;
      this.failure = error;
      throw error;
    }
  }
}

export async function uploadStreamed(request: StreamedUploadRequest): Promise<StreamedUploadResult> {
  const { client, bucket, key } = request;
  const context: S3ErrorContext = { operation: "put", bucket, key, endpoint: request.endpoint };
  const inMemory = request.body instanceof Uint8Array ? request.body : undefined;
  const counter = request.body instanceof Uint8Array ? undefined : new CountingBody(request.body);
  const upload = new Upload({
    client,
    queueSize: request.queueSize,
    partSize: request.partSize,
    leavePartsOnError: false,
    params: {
      Bucket: bucket,
      Key: key,
      Body: inMemory ?? Readable.from(counter?.pieces() ?? []),
      ContentType: request.contentType,
      ...(request.contentEncoding === undefined ? {} : { ContentEncoding: request.contentEncoding }),
      ...(request.storageClass === undefined ? {} : { StorageClass: request.storageClass as StorageClass }),
    },
  });
  try {
    const result = await upload.done();
    const multipart = upload.uploadId !== undefined;
    const etag = multipart ? await etagOf(client, bucket, key, result.ETag) : result.ETag;
    const size = inMemory?.byteLength ?? counter?.bytes ?? 0;
    return { size, multipart, ...(etag === undefined ? {} : { etag }) };
  } catch (error) {
    if (upload.uploadId !== undefined) await abortQuietly(client, bucket, key, upload.uploadId);
    if (counter?.failed) {
      throw new S3TransportError(
        "BODY_FAILED",
        `put s3://${bucket}/${key} failed: reading the body failed (${String((counter.failure as Error)?.message ?? counter.failure)}); ` +
          "the multipart upload was aborted",
        { bucket, key, cause: counter.failure },
      );
    }
    throw toTransportError(error, context);
  }
}
