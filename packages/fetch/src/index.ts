// Public API of @narwhal/fetch: fetch one store path or a closure from any Nix binary cache without Nix, verifying
// signatures, hashes, sizes and content addresses, restoring safely, and copying into a local Nix store.

export { FetchError, type FetchErrorCode } from "./errors.js";
export { fetchPath, requirePathInfo, type FetchPathOptions, type FetchedPath } from "./fetch-path.js";
export {
  fetchPathsInto,
  fetchTargetIn,
  type FetchPathsFailure,
  type FetchPathsOptions,
  type FetchPathsResult,
} from "./fetch-paths.js";
export { queryClosure, type QueryClosureOptions } from "./query-closure.js";
export { restoreBeside, type RestoreBesideOptions } from "./restore-beside.js";
export { RestoreWorkers, type RestoreWorkersOptions } from "./restore-workers.js";
export {
  copyClosureToLocalStore,
  type CopyFailure,
  type CopyProgress,
  type CopyToLocalStoreOptions,
  type CopyToLocalStoreResult,
} from "./copy-to-local-store.js";
export {
  DerivationCapture,
  MAX_DERIVATION_SIZE,
  isDerivationPath,
  type DerivationCaptureOptions,
} from "./derivation-capture.js";
export { moveIntoStoreAndRegister } from "./move-into-store.js";
export { abortable, isAbortError } from "./abortable.js";
export { tempTreePrefix, tempTreeOwner, TEMP_TREE_MARKER, NAME_MAX } from "./temp-names.js";
export { removeStaleTempTrees } from "./stale-temp-trees.js";
