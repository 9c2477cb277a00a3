// S3BlobStore: the blob operations a Nix binary cache needs (exists, get, put, list, delete) over one S3 bucket,
// plus multipart-upload maintenance; Content-Encoding is applied and removed here, invisibly to the store layer.

import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { decompressStream, DEFAULT_CONTENT_ENCODING_LIMIT, encodeContentEncoding } from "@narwhal/codecs";
import type { S3StoreUrl, StoreUrl } from "@narwhal/store-url";
import { checkContentEncodingSettings, contentEncodingFor } from "./content-encoding-policy.js";
import { LeanS3Requests } from "./lean-s3-requests.js";
import { type ObjectWrites, SdkObjectWrites } from "./object-writes.js";
import { PartBufferPool } from "./part-assembler.js";
import { uploadInParts } from "./parts-upload.js";
import { checkPartSchedule, choosePartSize, MAX_PART_SIZE, PartSizeError, type PartSchedule } from "./part-size.js";
import { readAhead, ReadAheadFailure } from "./read-ahead.js";
import { connectS3, type S3ClientOptions } from "./s3-client.js";
import { isAbsentAnswer, S3TransportError, toTransportError } from "./s3-errors.js";
import {
  validateBlobKey,
  type BlobHead,
  type BlobStore,
  type MultipartUploads,
  type PendingMultipartUpload,
} from "@narwhal/blob-store";

export interface S3BlobStoreOptions extends S3ClientOptions {
  /** Parts uploaded at once per multipart upload (default 4). */
  readonly queueSize?: number;
  /** Receives warnings such as a raised part size; defaults to process.emitWarning. */
  readonly onWarning?: (message: string) => void;
  /** Allow xz/bzip2 Content-Encoding although Nix >= 2.34 cannot read it. */
  readonly force?: boolean;
  /** Keys per ListObjectsV2 / ListMultipartUploads page (default 1000, S3's maximum). */
  readonly listPageSize?: number;
  /**
   * Send PutObject and multipart UploadPart as requests signed with the SDK's signer over a keep-alive agent instead
   * of through the AWS SDK client (default true; see README "Lean request path"). false = the SDK client for
   * everything; uploads, retries and part sizes are the same either way.
   */
  readonly leanRequests?: boolean;
  /** Sockets the lean path's keep-alive agent may open at once (default 64); keep it >= your concurrency. */
  readonly maxSockets?: number;
  /**
   * How part sizes grow along a multipart upload (default S3_PART_SCHEDULE: 9,000 uniform parts, then 1,000
   * growing ones), for stores with another part limit.
   */
  readonly partSchedule?: PartSchedule;
}

/** A byte range; `end` is the inclusive last offset as in HTTP Range (omitted = to the end). */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

export interface BlobBody {
  /** The object's bytes, streamed; decoded when it was stored with a Content-Encoding (unless a range was asked). */
  readonly body: AsyncIterable<Buffer>;
  /** Length of `body` in bytes, when known. */
  readonly size?: number;
  readonly contentType?: string;
  /** The Content-Encoding the object is stored with (already removed from `body` for whole-object reads). */
  readonly contentEncoding?: string;
}

/** Options of a read: a byte range, and the object version to read (S3 versioning; see parseS3ObjectUrl). */
export interface GetOptions {
  readonly range?: ByteRange;
  /** Reads this version of the object instead of the current one (GetObject ?versionId=). */
  readonly versionId?: string;
}

export interface PutOptions {
  readonly contentType: string;
  /** Expected body size in bytes; used to choose a part size that needs at most 10,000 parts. */
  readonly sizeHint?: number;
}

export interface PutResult {
  readonly key: string;
  /** Bytes stored (after Content-Encoding). */
  readonly size: number;
  readonly etag?: string;
  readonly multipart: boolean;
  readonly contentEncoding?: string;
  /** The x-amz-storage-class sent (the storage-class setting), when one was. */
  readonly storageClass?: string;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified?: Date;
}

const TRANSPARENT_ENCODINGS = new Set(["", "identity", "aws-chunked"]);

async function collect(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const pieces: Uint8Array[] = [];
  for await (const piece of body) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** A count option (parts in flight, sockets, page size): `fallback` when unset, else a positive integer. */
function countOption(name: string, value: number | undefined, fallback: number, bucket: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new S3TransportError(
      "INVALID_OPTION",
      `s3://${bucket}: ${name}=${String(value)} is not valid; it must be a positive integer`,
      { bucket },
    );
  }
  return value;
}

export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #endpoint: string;
  readonly #url: S3StoreUrl;
  readonly #queueSize: number;
  readonly #listPageSize: number;
  readonly #warn: (message: string) => void;
  readonly #warned = new Set<string>();
  /** How PutObject and UploadPart go out: the lean requests, or the SDK client with `leanRequests: false`. */
  readonly #writes: ObjectWrites;
  /** Part buffers shared by this store's streamed uploads; keeps what a few concurrent uploads had in use. */
  readonly #partBuffers: PartBufferPool;
  readonly #partSchedule: PartSchedule | undefined;

  private constructor(url: string | StoreUrl, options: S3BlobStoreOptions) {
    const connection = connectS3(url, options);
    checkContentEncodingSettings(connection.url.settings, connection.bucket, options.force ?? false);
    this.#client = connection.client;
    this.#bucket = connection.bucket;
    this.#endpoint = connection.endpoint;
    this.#url = connection.url;
    this.#queueSize = countOption("queueSize", options.queueSize, 4, connection.bucket);
    this.#partBuffers = new PartBufferPool(4 * (this.#queueSize + 1));
    this.#partSchedule = options.partSchedule === undefined ? undefined : checkPartSchedule(options.partSchedule);
    this.#listPageSize = countOption("listPageSize", options.listPageSize, 1000, connection.bucket);
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, "NarwhalS3Warning"));
    this.#writes =
      options.leanRequests === false
        ? new SdkObjectWrites(connection.client, connection.bucket)
        : new LeanS3Requests({
            client: connection.client,
            bucket: connection.bucket,
            retryStrategy: connection.retryStrategy,
            timeouts: { connectTimeoutMs: connection.connectTimeoutMs, requestTimeoutMs: connection.requestTimeoutMs },
            maxSockets: countOption("maxSockets", options.maxSockets, 64, connection.bucket),
          });
  }

  /** Opens the bucket of an `s3://BUCKET?settings` URL (text or parsed). */
  static fromUrl(url: string | StoreUrl, options: S3BlobStoreOptions = {}): S3BlobStore {
    return new S3BlobStore(url, options);
  }

  get bucket(): string {
    return this.#bucket;
  }

  get endpoint(): string {
    return this.#endpoint;
  }

  /** `s3://BUCKET`, how messages name this bucket. */
  get url(): string {
    return `s3://${this.#bucket}`;
  }

  /** The parsed store URL the bucket was opened with. */
  get storeUrl(): S3StoreUrl {
    return this.#url;
  }

  /** Unfinished multipart uploads: listed and aborted (this transport's optional capability). */
  readonly multipart: MultipartUploads = {
    list: (prefix) => this.listMultipartUploads(prefix),
    abort: (key, uploadId) => this.abortMultipartUpload(key, uploadId),
  };

  /** Checks a key against the rule every transport shares (a narinfo's `URL:` is untrusted input). */
  #key(key: string): string {
    return validateBlobKey(key, this.url);
  }

  /** HEAD: false for 404 / NoSuchKey / 403 (unlistable buckets answer 403 for missing keys, Nix treats it as absent). */
  async exists(key: string): Promise<boolean> {
    this.#key(key);
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return true;
    } catch (error) {
      if (isAbsentAnswer(error)) return false;
      throw this.#error(error, "exists", key);
    }
  }

  /** GET, streaming; undefined when the object is absent. */
  async get(key: string, options: GetOptions = {}): Promise<BlobBody | undefined> {
    this.#key(key);
    const range = options.range;
    const versionId = this.#versionId(options.versionId);
    let response;
    try {
      response = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end ?? ""}` }),
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      );
    } catch (error) {
      if (isAbsentAnswer(error)) return undefined;
      throw this.#error(error, "get", versionId === undefined ? key : `${key}?versionId=${versionId}`);
    }
    const raw = this.#guardedStream(response.Body as Readable | undefined, key);
    const encoding = (response.ContentEncoding ?? "").trim().toLowerCase();
    const common = {
      ...(response.ContentType === undefined ? {} : { contentType: response.ContentType }),
      ...(encoding === "" ? {} : { contentEncoding: response.ContentEncoding }),
    };
    if (TRANSPARENT_ENCODINGS.has(encoding) || range !== undefined) {
      return {
        body: raw,
        ...(response.ContentLength === undefined ? {} : { size: response.ContentLength }),
        ...common,
      };
    }
    // Decoded as it streams, bounded while it decodes: a small hostile object cannot expand without limit.
    const codec = encoding === "x-gzip" ? "gzip" : encoding;
    return {
      body: this.#decoded(
        decompressStream(codec, raw, { maxOutputBytes: DEFAULT_CONTENT_ENCODING_LIMIT }),
        key,
        encoding,
      ),
      ...common,
    };
  }

  async *#decoded(body: AsyncIterable<Buffer>, key: string, encoding: string): AsyncGenerator<Buffer> {
    try {
      yield* body;
    } catch (error) {
      if (error instanceof S3TransportError) throw error;
      throw new S3TransportError(
        "REQUEST_FAILED",
        `get s3://${this.#bucket}/${key} failed: its Content-Encoding '${encoding}' could not be decoded (${(error as Error).message})`,
        { bucket: this.#bucket, key, cause: error },
      );
    }
  }

  /**
   * Stores an object, choosing as Nix 2.33+ does: one PutObject, unless multipart-upload is on and the object is
   * larger than multipart-threshold (streamed bodies are read ahead up to it). A streamed body with multipart-upload
   * off is one PUT when it ends within one part, else multipart: narwhal never holds a whole stream in memory.
   */
  async put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options: PutOptions): Promise<PutResult> {
    this.#key(key);
    const settings = this.#url.settings;
    const encoding = contentEncodingFor(key, settings);
    let payload = body;
    if (encoding !== undefined) {
      try {
        payload = await encodeContentEncoding(encoding, await collect(body));
      } catch (error) {
        if (error instanceof S3TransportError) throw error;
        throw new S3TransportError(
          "BODY_FAILED",
          `put s3://${this.#bucket}/${key} failed: could not apply Content-Encoding '${encoding}' (${(error as Error).message})`,
          {
            bucket: this.#bucket,
            key,
            cause: error,
          },
        );
      }
    }
    const storageClass = settings["storage-class"] === "" ? undefined : settings["storage-class"];
    const extraFields = {
      ...(encoding === undefined ? {} : { contentEncoding: encoding }),
      ...(storageClass === undefined ? {} : { storageClass }),
    };
    const multipartUpload = settings["multipart-upload"];
    const threshold = settings["multipart-threshold"];
    // multipart-upload=true: a streamed body is read ahead up to multipart-threshold, but never more than one part
    // (memory stays bounded by part buffers, whatever the threshold); one that ends there is one PUT.
    if (!(payload instanceof Uint8Array) && multipartUpload) {
      let ahead;
      try {
        ahead = await readAhead(payload, Math.min(threshold, this.#partSize(key, options.sizeHint)));
      } catch (error) {
        if (!(error instanceof ReadAheadFailure)) throw error;
        throw new S3TransportError(
          "BODY_FAILED",
          `put s3://${this.#bucket}/${key} failed: reading the body failed (${error.message}); nothing was stored`,
          {
            bucket: this.#bucket,
            key,
            cause: error.cause,
          },
        );
      }
      payload = ahead.whole ?? ahead.rest!;
    }
    const sizeHint = payload instanceof Uint8Array ? payload.byteLength : options.sizeHint;
    const partSize = this.#partSize(key, sizeHint);
    // Like Nix 2.33+: a body of known size is one PutObject unless multipart-upload is on and it exceeds the threshold.
    if (payload instanceof Uint8Array && (!multipartUpload || payload.byteLength <= threshold)) {
      if (payload.byteLength > MAX_PART_SIZE) {
        throw new S3TransportError(
          "OBJECT_TOO_LARGE",
          `put s3://${this.#bucket}/${key} refused: ${payload.byteLength} bytes exceed the ${MAX_PART_SIZE} bytes (5 GiB) of one PutObject; ` +
            (multipartUpload ? "lower multipart-threshold" : "enable multipart-upload"),
          { bucket: this.#bucket, key },
        );
      }
      try {
        const etag = await this.#writes.putObject(key, payload, {
          contentType: options.contentType,
          ...extraFields,
        });
        return { key, size: payload.byteLength, multipart: false, ...(etag ? { etag } : {}), ...extraFields };
      } catch (error) {
        throw this.#error(error, "put", key);
      }
    }
    const result = await uploadInParts({
      client: this.#client,
      writes: this.#writes,
      bucket: this.#bucket,
      key,
      body: payload,
      contentType: options.contentType,
      ...extraFields,
      partSize,
      queueSize: this.#queueSize,
      endpoint: this.#endpoint,
      pool: this.#partBuffers,
      ...(this.#partSchedule === undefined ? {} : { schedule: this.#partSchedule }),
    });
    return { key, ...result, ...extraFields };
  }

  /** Every object under `prefix` (ListObjectsV2, all pages). */
  async *list(prefix = ""): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            MaxKeys: this.#listPageSize,
            ...(prefix === "" ? {} : { Prefix: prefix }),
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
      } catch (error) {
        throw this.#error(error, "list", prefix === "" ? undefined : `${prefix}*`);
      }
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield {
          key: item.Key,
          size: item.Size ?? 0,
          ...(item.LastModified === undefined ? {} : { lastModified: item.LastModified }),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** Deletes an object; deleting an absent object succeeds, as in S3. */
  async delete(key: string): Promise<void> {
    this.#key(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      throw this.#error(error, "delete", key);
    }
  }

  /** Multipart uploads started but neither completed nor aborted (all pages). */
  async *listMultipartUploads(prefix = ""): AsyncGenerator<PendingMultipartUpload> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.#client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.#bucket,
            MaxUploads: this.#listPageSize,
            ...(prefix === "" ? {} : { Prefix: prefix }),
            ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
            ...(uploadIdMarker === undefined ? {} : { UploadIdMarker: uploadIdMarker }),
          }),
        );
      } catch (error) {
        throw this.#error(error, "list multipart uploads", prefix === "" ? undefined : `${prefix}*`);
      }
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === undefined || upload.UploadId === undefined) continue;
        yield {
          key: upload.Key,
          uploadId: upload.UploadId,
          ...(upload.Initiated === undefined ? {} : { initiated: upload.Initiated }),
        };
      }
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
      if (keyMarker === undefined && uploadIdMarker === undefined) return;
    }
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    this.#key(key);
    try {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      throw this.#error(error, `abort multipart upload ${uploadId} of`, key);
    }
  }

  /** HEAD with the object's size and age, or undefined when it does not exist. */
  async head(key: string, options: { versionId?: string } = {}): Promise<BlobHead | undefined> {
    this.#key(key);
    const versionId = this.#versionId(options.versionId);
    try {
      const answer = await this.#client.send(
        new HeadObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      );
      return {
        size: answer.ContentLength ?? 0,
        ...(answer.LastModified === undefined ? {} : { lastModified: answer.LastModified }),
      };
    } catch (error) {
      if (isAbsentAnswer(error)) return undefined;
      throw this.#error(error, "head", key);
    }
  }

  /** Releases the client's sockets (the SDK client's and the lean path's agent). Closing twice is harmless. */
  async close(): Promise<void> {
    this.#client.destroy();
    this.#writes.close();
  }

  /** A versionId to send, refused when empty (S3 would answer it with an error naming no object). */
  #versionId(versionId: string | undefined): string | undefined {
    if (versionId === undefined) return undefined;
    if (versionId === "")
      throw new S3TransportError(
        "INVALID_STORE_URL",
        `s3://${this.#bucket}: an empty versionId names no object version`,
        { bucket: this.#bucket },
      );
    return versionId;
  }

  #partSize(key: string, sizeHint: number | undefined): number {
    try {
      const choice = choosePartSize(this.#url.settings["buffer-size"], sizeHint);
      if (choice.warning !== undefined && !this.#warned.has(choice.warning)) {
        this.#warned.add(choice.warning);
        this.#warn(`s3://${this.#bucket}/${key}: ${choice.warning}`);
      }
      return choice.partSize;
    } catch (error) {
      if (error instanceof PartSizeError) {
        throw new S3TransportError("OBJECT_TOO_LARGE", `put s3://${this.#bucket}/${key} refused: ${error.message}`, {
          bucket: this.#bucket,
          key,
          cause: error,
        });
      }
      throw error;
    }
  }

  async *#guardedStream(stream: Readable | undefined, key: string): AsyncGenerator<Buffer> {
    if (stream === undefined) return;
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) yield piece;
    } catch (error) {
      throw this.#error(error, "read body of", key);
    }
  }

  #error(error: unknown, operation: string, key: string | undefined): S3TransportError {
    return toTransportError(error, {
      operation,
      bucket: this.#bucket,
      endpoint: this.#endpoint,
      ...(key === undefined ? {} : { key }),
    });
  }
}
