// Public API of @narwhal/nar: write, parse, restore, list and read NAR (Nix ARchive) streams.
// Everything streams; nothing here buffers a whole file or a whole NAR.

export { NarError, type NarErrorCode, type NarErrorDetails } from "./errors.js";
export { NAR_MAGIC, NarToken, narToken, narTokens, narU64, narPadding, paddingLength } from "./nar-format.js";
export { MAX_NAR_DEPTH, MAX_TAG_LENGTH, MAX_NAME_LENGTH, MAX_SYMLINK_TARGET_LENGTH } from "./nar-limits.js";
export { entryNameProblem, compareEntryNames } from "./entry-name-rules.js";
export { validateSymlinkTarget } from "./symlink-target-rules.js";
export {
  joinSegments,
  type NarEvent,
  type NarDirectoryEvent,
  type NarFileEvent,
  type FileContentsStream,
  type NarSymlinkEvent,
  type NarWriteEvent,
} from "./nar-events.js";
export { NarWriter, writeNar } from "./nar-writer.js";
export { narDumpImplementation, type NarDumpImplementation } from "./nar-chunks.js";
export { dumpPath, type DumpPathOptions } from "./dump-path.js";
export { dumpPathSync, type DumpPathSyncOptions } from "./dump-path-sync.js";
export { dumpPathInWorker, type DumpPathInWorkerOptions } from "./dump-path-in-worker.js";
export { parseNar } from "./nar-parser.js";
export { restoreNar, type RestoreNarOptions, type StoreMetadata } from "./restore-nar.js";
export {
  listNar,
  formatNarListing,
  formatNarListingNode,
  type NarListing,
  type NarListingNode,
  type NarListingRegular,
  type NarListingDirectory,
  type NarListingSymlink,
  type FormatNarListingOptions,
  type FormatNarListingNodeOptions,
  type NarListingForm,
} from "./nar-listing.js";
export { parseNarListing, type ParseNarListingOptions } from "./parse-nar-listing.js";
export { MAX_LISTING_BYTES, MAX_LISTING_DEPTH, MAX_LISTING_ENTRIES } from "./listing-limits.js";
export { catNar, lsNar, formatNarLs, type NarLsEntry, type LsNarOptions } from "./cat-nar.js";
export { gitTreeHashOfNar } from "./git-tree-hash.js";
export {
  GIT_MODE,
  compareGitTreeEntries,
  hashGitTree,
  type GitHashAlgorithm,
  type GitMode,
  type GitTreeEntry,
} from "./git-object.js";
