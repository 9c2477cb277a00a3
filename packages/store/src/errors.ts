// Typed errors of the binary cache store: every failure carries a stable `code`, the object key it concerns and
// the store URL, so a message always says which object in which cache broke which rule.

import type { StorePath } from "@narwhal/store-path";

export type StoreErrorCode =
  | "INVALID_KEY"
  | "READ_ONLY"
  | "UNSUPPORTED"
  | "TRANSPORT"
  | "STORE_DIR_MISMATCH"
  | "CACHE_INFO_CORRUPT"
  | "NARINFO_CORRUPT"
  | "PATH_NOT_IN_CACHE"
  | "UNTRUSTED_SIGNATURES"
  | "NAR_MISSING"
  | "NAR_CORRUPT"
  | "NAR_HASH_MISMATCH"
  | "NAR_SIZE_MISMATCH"
  | "FILE_HASH_MISMATCH"
  | "FILE_SIZE_MISMATCH"
  | "LISTING_CORRUPT"
  | "REFERENCE_MISSING"
  | "INVALID_PATH_INFO"
  | "SECRET_KEY"
  | "TIMEOUT"
  | "OBJECT_TOO_LARGE"
  | "OUTSIDE_CACHE"
  | "CONTENT_ADDRESS_MISMATCH"
  | "GC_RUNNING"
  | "CLOSED";

export interface StoreErrorDetails {
  /** Object key inside the cache (e.g. `<hash>.narinfo`, `nar/<hash>.nar.xz`). */
  readonly key?: string;
  /** The cache the object belongs to, as a URL. */
  readonly storeUrl?: string;
  readonly cause?: unknown;
}

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly key: string | undefined;
  readonly storeUrl: string | undefined;

  constructor(code: StoreErrorCode, message: string, details: StoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "StoreError";
    this.code = code;
    this.key = details.key;
    this.storeUrl = details.storeUrl;
  }
}

/**
 * REFERENCE_MISSING, naming every reference of the path that has no narinfo, so a writer that holds them (a copy of
 * the whole closure) knows what to upload again before it retries.
 */
export class MissingReferencesError extends StoreError {
  readonly references: readonly StorePath[];

  constructor(message: string, references: readonly StorePath[], details: StoreErrorDetails = {}) {
    super("REFERENCE_MISSING", message, details);
    this.name = "MissingReferencesError";
    this.references = references;
  }
}

// The phrase naming an object, and the message of a thrown value, are the transports' (one home for both).
export { messageOf, objectName } from "@narwhal/blob-store";
