// Fresh temporary directories for tests, removed on request (force, recursive; tolerant of odd permissions).
// Prefer `withTempDir` so cleanup cannot be forgotten.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir {
  /** Absolute path of the new, empty directory. */
  path: string;
  /** Delete the directory and everything in it. */
  remove(): Promise<void>;
}

/** Create an empty temporary directory; call `remove()` when done. */
export async function tempDir(prefix = "narwhal-test-"): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Run `body` with a fresh temporary directory that is removed afterwards, whatever happens. */
export async function withTempDir<T>(body: (path: string) => Promise<T>, prefix?: string): Promise<T> {
  const dir = await tempDir(prefix);
  try {
    return await body(dir.path);
  } finally {
    await dir.remove();
  }
}
