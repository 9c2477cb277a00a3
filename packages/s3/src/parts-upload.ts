// The one upload of a body to S3, over either request path (ObjectWrites): one PutObject when the body fits in its
// first part, else a multipart upload of parts it assembles itself (one copy at most), growing along the part
// schedule, at most queueSize parts in flight (p-limit). Any failure (S3 or the body) aborts the upload.

import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  type StorageClass,
} from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { abortQuietly, etagOf } from "./multipart-upload-ends.js";
import type { ObjectWrites } from "./object-writes.js";
import { type AssembledPart, assembleParts, BodyReadFailure, PartBufferPool } from "./part-assembler.js";
import { type PartSchedule, partSizeAt, S3_PART_SCHEDULE, scheduleCapacity } from "./part-size.js";
import { type S3ErrorContext, S3TransportError, toTransportError } from "./s3-errors.js";

export interface PartsUploadRequest {
  readonly client: S3Client;
  /** How PutObject and UploadPart are sent: the lean requests or the SDK client. */
  readonly writes: ObjectWrites;
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** x-amz-storage-class for the object (PutObject or CreateMultipartUpload), from the storage-class setting. */
  readonly storageClass?: string;
  /** The size of the uniform parts (choosePartSize). */
  readonly partSize: number;
  /** Parts sent at once; with the part being filled, at most queueSize + 1 part buffers are in use. */
  readonly queueSize: number;
  readonly endpoint: string;
  /** Part buffers shared with the store's other uploads (default: a pool of this upload's own). */
  readonly pool?: PartBufferPool;
  /** How part sizes grow along the upload (default: S3's; tests and stores with other limits pass their own). */
  readonly schedule?: PartSchedule;
}

export interface PartsUploadResult {
  readonly size: number;
  readonly etag?: string;
  readonly multipart: boolean;
}

class TooManyParts extends Error {}

export async function uploadInParts(request: PartsUploadRequest): Promise<PartsUploadResult> {
  const { client, writes, bucket, key } = request;
  const context: S3ErrorContext = { operation: "put", bucket, key, endpoint: request.endpoint };
  const schedule = request.schedule ?? S3_PART_SCHEDULE;
  const pool = request.pool ?? new PartBufferPool(request.queueSize + 1);
  const parts = assembleParts(request.body, (partNumber) => partSizeAt(request.partSize, partNumber, schedule), pool);
  const iterator = Symbol.asyncIterator in parts ? parts[Symbol.asyncIterator]() : parts[Symbol.iterator]();
  let uploadId: string | undefined;
  let size = 0;
  const sending: Promise<void>[] = [];
  try {
    const first = (await iterator.next()).value as AssembledPart;
    size = first.bytes.byteLength;
    if (first.last) {
      const headers = {
        contentType: request.contentType,
        ...(request.contentEncoding === undefined ? {} : { contentEncoding: request.contentEncoding }),
        ...(request.storageClass === undefined ? {} : { storageClass: request.storageClass }),
      };
      try {
        const etag = await writes.putObject(key, first.bytes, headers);
        return { size, multipart: false, ...(etag === undefined ? {} : { etag }) };
      } finally {
        pool.release(first.buffer);
      }
    }
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: request.contentType,
        ...(request.contentEncoding === undefined ? {} : { ContentEncoding: request.contentEncoding }),
        ...(request.storageClass === undefined ? {} : { StorageClass: request.storageClass as StorageClass }),
      }),
    );
    const id = created.UploadId!;
    uploadId = id;
    const etags: string[] = [];
    let failure: { error: unknown } | undefined;
    const limit = pLimit(request.queueSize);
    const sendPart = async (part: AssembledPart, partNumber: number): Promise<void> => {
      try {
        etags[partNumber - 1] = (await writes.uploadPart(key, id, partNumber, part.bytes)) ?? "";
      } catch (error) {
        failure ??= { error };
      } finally {
        pool.release(part.buffer);
      }
    };
    let part: AssembledPart = first;
    for (let partNumber = 1; ; partNumber += 1) {
      if (partNumber > schedule.maxParts) throw new TooManyParts();
      sending.push(limit(sendPart, part, partNumber));
      if (part.last) break;
      // Bounded memory: the next part is read only once a sending slot is free (a no-op takes a turn of the limit).
      await limit(() => undefined);
      if (failure !== undefined) break;
      const step = await iterator.next();
      part = step.value as AssembledPart;
      size += part.bytes.byteLength;
    }
    await Promise.all(sending);
    if (failure !== undefined) throw failure.error;
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: id,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
    const etag = await etagOf(client, bucket, key, completed.ETag);
    return { size, multipart: true, ...(etag === undefined ? {} : { etag }) };
  } catch (error) {
    await iterator.return?.();
    // Parts still being sent could land after an abort and keep the upload alive; let them settle first.
    await Promise.allSettled(sending);
    if (uploadId !== undefined) await abortQuietly(client, bucket, key, uploadId);
    const outcome = uploadId === undefined ? "nothing was stored" : "the multipart upload was aborted";
    if (error instanceof BodyReadFailure) {
      throw new S3TransportError(
        "BODY_FAILED",
        `put s3://${bucket}/${key} failed: reading the body failed (${error.message}); ${outcome}`,
        { bucket, key, cause: error.cause },
      );
    }
    if (error instanceof TooManyParts) {
      throw new S3TransportError(
        "OBJECT_TOO_LARGE",
        `put s3://${bucket}/${key} failed: the body is longer than the ${scheduleCapacity(request.partSize, schedule)} bytes that ` +
          `${schedule.maxParts} parts starting at ${request.partSize} bytes can carry (pass a sizeHint, or a larger buffer-size); ${outcome}`,
        { bucket, key },
      );
    }
    throw toTransportError(error, context);
  }
}
