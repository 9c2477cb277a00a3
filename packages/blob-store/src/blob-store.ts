// The transport interface every cache backend implements (S3, file://, http(s)://): Nix libstore's three
// primitives (exists, get, put) plus head, list, delete, close, and multipart maintenance as an optional capability.
// All cache logic (key names, narinfo, NARs, signatures, write order) lives in the store above it.

import type { MultipartUploads } from "./multipart-uploads.js";

export interface BlobRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive; omitted means to the end of the object. */
  readonly end?: number;
}

export interface BlobGetOptions {
  readonly range?: BlobRange;
}

export interface BlobObject {
  /** The object's bytes (already decoded, within a bound, when the transport applied a Content-Encoding). */
  readonly body: AsyncIterable<Buffer>;
  /** Size of the whole object in bytes, when known. */
  readonly size?: number;
  readonly contentType?: string;
  /** The Content-Encoding the object was stored with, for information. */
  readonly contentEncoding?: string;
}

export interface BlobPutOptions {
  /** MIME type stored with the object (ignored by transports without metadata, e.g. file://). */
  readonly contentType: string;
  /** Expected body size, when known; lets a transport choose single or multipart upload. */
  readonly sizeHint?: number;
}

export interface BlobHead {
  readonly size: number;
  readonly lastModified?: Date;
}

export interface BlobListEntry extends BlobHead {
  readonly key: string;
}

export interface BlobStore {
  /** How the transport names itself in messages (`s3://bucket`, `file:///dir`, `https://host/prefix`). */
  readonly url: string;
  /** True when an object exists under `key`. */
  exists(key: string): Promise<boolean>;
  /** The object's size (and age, when the transport knows it), or undefined when it does not exist. */
  head(key: string): Promise<BlobHead | undefined>;
  /** The object's body, or undefined when it does not exist. */
  get(key: string, options?: BlobGetOptions): Promise<BlobObject | undefined>;
  /**
   * Stores `body` under `key`. Readers never see a partial object: if `body` throws, nothing is stored and put
   * rejects with that error.
   */
  put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options: BlobPutOptions): Promise<unknown>;
  /** Every object whose key starts with `prefix` (all objects when omitted). */
  list(prefix?: string): AsyncIterable<BlobListEntry>;
  /** Removes the object; removing an absent object is not an error. */
  delete(key: string): Promise<void>;
  /** Unfinished uploads, when the transport has any to maintain (S3, file://); absent otherwise. */
  readonly multipart?: MultipartUploads;
  /** Releases connections and pools; the transport must not be used afterwards. Closing twice is harmless. */
  close(): Promise<void>;
}
