// Public API of @narwhal/blob-store: the transport interface every binary cache backend implements, the key rule
// they share, the bounded small-object reader, and the file:// and http(s):// transports.

export {
  BlobStoreError,
  messageOf,
  objectName,
  type BlobStoreErrorCode,
  type BlobStoreErrorDetails,
} from "./errors.js";
export type {
  BlobStore,
  BlobObject,
  BlobGetOptions,
  BlobPutOptions,
  BlobRange,
  BlobHead,
  BlobListEntry,
} from "./blob-store.js";
export type { MultipartUploads, PendingMultipartUpload } from "./multipart-uploads.js";
export { validateBlobKey, MAX_BLOB_KEY_BYTES } from "./blob-key.js";
export { readSmallObject, SMALL_OBJECT_LIMIT } from "./small-object.js";
export { FileBlobStore } from "./file-blob-store.js";
export { HttpBlobStore, type HttpBlobStoreOptions, HTTP_TIMEOUT_DEFAULTS } from "./http-blob-store.js";
