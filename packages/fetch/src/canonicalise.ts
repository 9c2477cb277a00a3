// The metadata Nix gives store paths: files 0444 (0555 when executable), directories 0555, every modification
// time 1 (the epoch + 1 s). restoreNar writes it as it restores (STORE_METADATA), except for the root directory's
// mode: moving a directory into another parent rewrites its `..` entry, which needs write permission on it for
// anyone but root, so the root stays 0755 until `sealStoreRoot` runs after the move.

import { chmodSync, lstatSync, lutimesSync } from "node:fs";
import type { StoreMetadata } from "@narwhal/nar";

const EPOCH_PLUS_ONE = 1;
const MOVABLE_ROOT_MODE = 0o755;

/** restoreNar's option for a tree that is to be moved into a store. */
export const STORE_METADATA: StoreMetadata = { rootDirectoryMode: MOVABLE_ROOT_MODE };

/** A restored root directory, now at its place in the store, gets its final mode 0555 (its mtime stays 1). */
export function sealStoreRoot(root: string): void {
  if (!lstatSync(root).isDirectory()) return;
  chmodSync(root, 0o555);
  lutimesSync(root, EPOCH_PLUS_ONE, EPOCH_PLUS_ONE);
}

/** Undoes `sealStoreRoot`, so the root directory can be moved out again. */
export function unsealStoreRoot(root: string): void {
  if (lstatSync(root).isDirectory()) chmodSync(root, MOVABLE_ROOT_MODE);
}
