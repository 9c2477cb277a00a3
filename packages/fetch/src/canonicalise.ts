// Gives a restored tree the metadata Nix gives store paths: files 0444 (0555 when executable), directories 0555,
// every modification time 1 (the epoch + 1 s). Applied before the tree is moved into a local store. Synchronous
// calls, as in restoreNar: three metadata calls per entry, each far cheaper than a round trip through libuv's pool.

import { chmodSync, lstatSync, lutimesSync, readdirSync } from "node:fs";
import { join } from "node:path";

const EPOCH_PLUS_ONE = 1;

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
      chmodSync(entry.path, 0o555);
    } else if (stat.isFile()) {
      chmodSync(entry.path, (stat.mode & 0o100) !== 0 ? 0o555 : 0o444);
    }
    lutimesSync(entry.path, EPOCH_PLUS_ONE, EPOCH_PLUS_ONE);
  }
}
