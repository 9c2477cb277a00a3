// Public API of @narwhal/store-url: parse and format Nix binary cache store URLs and their typed settings.
// Everything other packages may use is exported here; nothing else in src/ is public.

export { StoreUrlError, type StoreUrlErrorCode, type StoreUrlErrorDetails } from "./errors.js";
export {
  COMPRESSION_METHODS,
  CONTENT_ENCODING_METHODS,
  S3_ADDRESSING_STYLES,
  S3_SCHEMES,
  NIX_RETRY_DEFAULTS,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
  STORE_SETTINGS,
  defaultStoreSettings,
  findSetting,
  type CompressionMethod,
  type ContentEncodingMethod,
  type S3AddressingStyle,
  type S3Scheme,
  type SettingDescriptor,
  type SettingKind,
  type SettingName,
  type StoreSettings,
  type StoreType,
} from "./settings-table.js";
export type { FileStoreUrl, HttpStoreUrl, S3StoreUrl, StoreUrl } from "./store-url.js";
export { parseStoreUrl } from "./parse-store-url.js";
export { parseS3ObjectUrl, S3_OBJECT_URL_SETTINGS, type S3ObjectUrl } from "./parse-s3-object-url.js";
export { formatStoreUrl } from "./format-store-url.js";
export { describeSettings } from "./describe-settings.js";
export { redactStoreUrl } from "./redact-store-url.js";
export { findS3BucketNameViolation, validateS3BucketName } from "./s3-bucket-name.js";
export { resolveS3Endpoint } from "./s3-endpoint.js";
