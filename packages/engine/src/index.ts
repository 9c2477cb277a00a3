// Public API of @narwhal/engine: copy() / storeAdd(), the bulk-copy scheduler behind them, the path sources
// (local Nix store, binary cache, plain directory), progress events and the typed error.

export {
  copy,
  storeAdd,
  isLocalStoreUrl,
  type CopyRequest,
  type StoreAddRequest,
  type StoreAddResult,
} from "./copy.js";
export { copyPaths, DEFAULT_JOBS, DEFAULT_EXISTENCE_CHECKS, type CopyPathsOptions } from "./copy-paths.js";
export type { CopyEvent, CopyReporter, CopyFailure, CopySummary } from "./copy-events.js";
export type { PathSource, SourcePathInfo } from "./path-source.js";
export { BinaryCacheSource } from "./cache-source.js";
export { DirectorySource, type DirectorySourceOptions } from "./directory-source.js";
export { abortLeftoverUploads, DEFAULT_STALE_UPLOAD_AGE_MS } from "./leftover-uploads.js";
export { EngineError, type EngineErrorCode } from "./errors.js";
