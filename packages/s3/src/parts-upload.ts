// Streams a body to S3 in parts it assembles itself (one copy at most) and sends with the lean UploadPart, queueSize
// parts in flight: one lean PUT when the body fits in one part; any failure (S3 or the body) aborts the upload.

import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, type StorageClass } from "@aws-sdk/client-s3";
import type { LeanS3Requests } from "./lean-s3-requests.js";
import { abortQuietly, etagOf } from "./multipart-upload-ends.js";
import { assembleParts, BodyReadFailure, PartBufferPool, type AssembledPart } from "./part-assembler.js";
import { partSizeAt, S3_PART_SCHEDULE, scheduleCapacity, type PartSchedule } from "./part-size.js";
import { S3TransportError, toTransportError, type S3ErrorContext } from "./s3-errors.js";
import type { StreamedUploadRequest, StreamedUploadResult } from "./multipart.js";

export interface PartsUploadRequest extends StreamedUploadRequest {
  readonly lean: LeanS3Requests;
  /** Part buffers shared with the store's other uploads (default: a pool of this upload's own). */
  readonly pool?: PartBufferPool;
  /** How part sizes grow along the upload (default: S3's; tests use a shorter one). */
  readonly schedule?: PartSchedule;
}

class TooManyParts extends Error {}

export async function uploadInParts(request: PartsUploadRequest): Promise<StreamedUploadResult> {
  const { client, lean, bucket, key } = request;
  const context: S3ErrorContext = { operation: "put", bucket, key, endpoint: request.endpoint };
  const schedule = request.schedule ?? S3_PART_SCHEDULE;
  const pool = request.pool ?? new PartBufferPool(request.queueSize + 1);
  const parts = assembleParts(request.body, (partNumber) => partSizeAt(request.partSize, partNumber, schedule), pool);
  const iterator = Symbol.asyncIterator in parts ? parts[Symbol.asyncIterator]() : parts[Symbol.iterator]();
  let uploadId: string | undefined;
  let size = 0;
  const inFlight = new Set<Promise<void>>();
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
        const etag = await lean.putObject(key, first.bytes, headers);
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
    uploadId = created.UploadId!;
    const etags: string[] = [];
    let failure: { error: unknown } | undefined;
    const send = (part: AssembledPart, partNumber: number): void => {
      const sending = lean
        .uploadPart(key, uploadId!, partNumber, part.bytes)
        .then((etag) => {
          etags[partNumber - 1] = etag ?? "";
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => {
          pool.release(part.buffer);
          inFlight.delete(sending);
        });
      inFlight.add(sending);
    };
    let part: AssembledPart = first;
    for (let partNumber = 1; ; partNumber += 1) {
      if (partNumber > schedule.maxParts) throw new TooManyParts();
      send(part, partNumber);
      if (part.last) break;
      while (inFlight.size >= request.queueSize && failure === undefined) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const step = await iterator.next();
      part = step.value as AssembledPart;
      size += part.bytes.byteLength;
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure.error;
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
    const etag = await etagOf(client, bucket, key, completed.ETag);
    return { size, multipart: true, ...(etag === undefined ? {} : { etag }) };
  } catch (error) {
    await iterator.return?.();
    // Parts still being sent could land after an abort and keep the upload alive; let them settle first.
    await Promise.allSettled(inFlight);
    if (uploadId !== undefined) await abortQuietly(client, bucket, key, uploadId);
    const outcome = uploadId === undefined ? "nothing was stored" : "the multipart upload was aborted";
    if (error instanceof BodyReadFailure) {
      throw new S3TransportError(
        "BODY_FAILED",
        `put s3://${bucket}/${key} failed: reading the body failed (${error.message}); ${outcome}`,
        {
          bucket,
          key,
          cause: error.cause,
        },
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
