// Public API of @narwhal/cache-maintenance: verify a whole cache, add signatures to existing narinfos (key
// rotation) and garbage-collect without ever breaking the closure of a kept path.

export { MaintenanceError, type MaintenanceErrorCode } from "./errors.js";
export { parseDuration } from "./duration.js";
export { verifyCache, type VerifyCacheOptions, type VerifyProblem, type VerifyReport } from "./verify-cache.js";
export { signCache, type SignCacheOptions, type SignReport } from "./sign-cache.js";
export {
  gcCache,
  DEFAULT_GRACE_MS,
  DEFAULT_SETTLE_MS,
  type GcOptions,
  type GcReport,
  type GcDeletion,
  type GcObjectKind,
} from "./gc-cache.js";
export type { PendingMultipartUpload as IncompleteUpload } from "@narwhal/store";
