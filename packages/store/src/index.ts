// Public API of @narwhal/store: the blob transport interface and its file://, http(s):// and S3 implementations,
// and BinaryCacheStore, the Nix binary cache logic over any of them.

export { StoreError, type StoreErrorCode, type StoreErrorDetails } from "./errors.js";
export type { BlobStore, BlobObject, BlobGetOptions, BlobPutOptions, BlobRange, BlobListEntry } from "./blob-store.js";
export { validateBlobKey } from "./blob-key.js";
export { multipartMaintenanceOf, type MultipartMaintenance, type PendingMultipartUpload } from "./multipart-maintenance.js";
export { FileBlobStore } from "./file-blob-store.js";
export { HttpBlobStore } from "./http-blob-store.js";
export { openBlobStore, describeStoreUrl, type OpenBlobStoreOptions } from "./open-blob-store.js";
export {
  BinaryCacheStore,
  type BinaryCacheStoreOptions,
  type OpenStoreOptions,
  type StoreInfo,
  type AddToStoreRequest,
  type UploadNarRequest,
} from "./binary-cache-store.js";
export type { PathInfoToAdd, AddToStoreResult, UploadedNar, ListedNarObject } from "./nar-upload.js";
export { narObjectKey, WHOLE_NAR_LIMIT, NAR_CONTENT_TYPE, NARINFO_CONTENT_TYPE, LISTING_CONTENT_TYPE } from "./nar-upload.js";
export { CACHE_INFO_KEY, CACHE_INFO_CONTENT_TYPE } from "./cache-info.js";
export { LOG_CONTENT_TYPE, buildLogKey } from "./build-logs.js";
export { findDebugInfoLinks, debugInfoKey, type DebugInfoLink } from "./debug-info-index.js";
export { isSelfCertifyingContentAddress } from "./signature-policy.js";
export { listingNodeAt } from "./nar-listings.js";
