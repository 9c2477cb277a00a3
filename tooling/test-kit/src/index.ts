// Public API of @narwhal/test-kit: real-Nix wrappers, temp dirs, nix32, byte collection, random file trees and
// facts about the platform.
// Documented in ../README.md; keep it small.

export { runCommand, type RunCommandOptions, type CommandResult } from "./run-command.js";
export { hasNix, requireNix, nixStoreDump, nixHashPath, nixStoreRestore } from "./nix-tools.js";
export { tempDir, TempDirs, withTempDir, type TempDir } from "./temp-dir.js";
export { toNix32 } from "./nix32.js";
export { buildReferencingOutput, type ReferencingOutput } from "./nix-closure.js";
export { collectBytes } from "./collect-bytes.js";
export { onGlibc } from "./platform.js";
export {
  arbFsTree,
  writeFsTree,
  fsFileContents,
  type FsTree,
  type FsDirectory,
  type FsFile,
  type FsSymlink,
  type ArbFsTreeOptions,
} from "./fs-tree.js";
