// Public API of @narwhal/s3: the S3 transport of narwhal's binary cache store (S3BlobStore), its typed error,
// Content-Type/Encoding rules, part-size choice, retry settings, object-URL reads and bucket housekeeping helpers.

export {
  S3BlobStore,
  type BlobBody,
  type ByteRange,
  type GetOptions,
  type ListedObject,
  type PutOptions,
  type PutResult,
  type S3BlobStoreOptions,
} from "./s3-blob-store.js";
export { connectS3, toS3StoreUrl, type S3ClientOptions, type S3Connection } from "./s3-client.js";
export { getS3Object } from "./s3-object-url.js";
export { retrySettingsFor, type GlobalRetrySettings, type RetrySettings } from "./retry-settings.js";
export { parseRetryAfter, retryDelayMs, retryKind, retryKindOf, type RetryKind } from "./retry-policy.js";
export { S3TransportError, type S3TransportErrorCode } from "./s3-errors.js";
export { contentTypeFor, NIX_CONTENT_TYPES } from "./content-types.js";
export {
  checkContentEncodingSettings,
  contentEncodingFor,
  UNREADABLE_CONTENT_ENCODINGS,
  type ContentEncodingSettings,
} from "./content-encoding-policy.js";
export {
  checkPartSchedule,
  choosePartSize,
  MAX_OBJECT_SIZE,
  MAX_PART_COUNT,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  partSizeAt,
  PartSizeError,
  S3_PART_SCHEDULE,
  scheduleCapacity,
  type PartSchedule,
  type PartSizeChoice,
} from "./part-size.js";
export { deleteBucket, ensureBucket, publicReadPolicy, setPublicReadPolicy } from "./bucket-admin.js";
