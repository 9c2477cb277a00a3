// Gives a restored tree the metadata Nix gives store paths: files 0444 (0555 when executable), directories 0555,
// every modification time 1 (the epoch + 1 s). Applied before the tree is moved into a local store, except for the
// root directory's mode: moving a directory into another parent rewrites its `..` entry, which needs write
// permission on it for anyone but root, so the root stays 0755 until `sealStoreRoot` runs after the move.
// Synchronous calls, as in restoreNar: three metadata calls per entry, each far cheaper than a round trip through
// libuv's pool.

import { chmodSync, lstatSync, lutimesSync, readdirSync } from "node:fs";
import { join } from "node:path";

const EPOCH_PLUS_ONE = 1;
const MOVABLE_ROOT_MODE = 0o755;

/** A canonicalised root directory, now at its place in the store, gets its final mode 0555 (its mtime stays 1). */
export function sealStoreRoot(root: string): void {
  if (!lstatSync(root).isDirectory()) return;
  chmodSync(root, 0o555);
  lutimesSync(root, EPOCH_PLUS_ONE, EPOCH_PLUS_ONE);
}

/** Undoes `sealStoreRoot`, so the root directory can be moved out again. */
export function unsealStoreRoot(root: string): void {
  if (lstatSync(root).isDirectory()) chmodSync(root, MOVABLE_ROOT_MODE);
}

export async function canonicaliseStoreTree(root: string): Promise<void> {
  // Depth-first, iterative; directories are sealed after their contents.
  const stack: Array<{ path: string; sealed: boolean }> = [{ path: root, sealed: false }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const stat = lstatSync(entry.path);
    if (stat.isDirectory()) {
      if (!entry.sealed) {
        stack.push({ path: entry.path, sealed: true });
        for (const name of readdirSync(entry.path)) stack.push({ path: join(entry.path, name), sealed: false });
        continue;
      }
      chmodSync(entry.path, entry.path === root ? MOVABLE_ROOT_MODE : 0o555);
    } else if (stat.isFile()) {
      chmodSync(entry.path, (stat.mode & 0o100) !== 0 ? 0o555 : 0o444);
    }
    lutimesSync(entry.path, EPOCH_PLUS_ONE, EPOCH_PLUS_ONE);
  }
}
