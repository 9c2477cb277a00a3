// Public API of @narwhal/store: BinaryCacheStore, the Nix binary cache logic over any blob transport (opened from
// a store URL), its typed errors, and the cache layout's names for the objects it reads and writes.

export { StoreError, MissingReferencesError, type StoreErrorCode, type StoreErrorDetails } from "./errors.js";
export { type GcDoomed, NOTICE_WAIT_LIMIT_MS } from "./gc-notices.js";
export type { PendingMultipartUpload } from "@narwhal/blob-store";
export type { TrustBasis } from "./signature-policy.js";
export { openBlobStore, describeStoreUrl, type OpenBlobStoreOptions } from "./open-blob-store.js";
export {
  BinaryCacheStore,
  type BinaryCacheStoreOptions,
  type OpenStoreOptions,
  type StoreInfo,
  type AddToStoreRequest,
  type UploadNarRequest,
  type ScannedNarInfo,
  type CacheObject,
} from "./binary-cache-store.js";
export { openReadOnlyStore, type StoreOpening } from "./store-opening.js";
export { CacheSnapshot, SNAPSHOT_MIN_PATHS, SNAPSHOT_ENTRIES_PER_PATH } from "./cache-snapshot.js";
export type { PathInfoToAdd, AddToStoreResult, UploadedNar, ListedNarObject } from "./nar-upload.js";
export type { NarReadOptions } from "./nar-download.js";
export {
  narObjectKey,
  narInfoKey,
  NAR_PREFIX,
  listingKey,
  debugInfoKey,
  classifyKey,
  narHashOfNarKey,
  GC_NOTICE_PREFIX,
  SMALL_OBJECT_LIMITS,
  CACHE_INFO_KEY,
  CACHE_INFO_CONTENT_TYPE,
  NAR_CONTENT_TYPE,
  NARINFO_CONTENT_TYPE,
  LISTING_CONTENT_TYPE,
  LOG_CONTENT_TYPE,
  type CacheObjectKind,
} from "./cache-layout.js";
export { buildLogKey } from "./build-logs.js";
export { findDebugInfoLinks, type DebugInfoLink } from "./debug-info-index.js";
export { isSelfCertifyingContentAddress } from "./signature-policy.js";
export { listingNodeAt } from "./nar-listings.js";
