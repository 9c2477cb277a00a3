// Removes a directory tree even when it was made read-only (canonicalised store paths have 0555 directories),
// for cleaning up temp directories and stale, unregistered store paths.

import { chmod, lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat === undefined || !stat.isDirectory()) return;
  await chmod(path, 0o755);
  for (const name of await readdir(path)) await makeWritable(join(path, name));
}
