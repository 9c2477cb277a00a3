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

/**
 * Temporary directories that live until the test file (or each test) is done: `make()` one wherever a test or
 * helper needs it, and register `removeAll` once, e.g. `afterAll(() => dirs.removeAll())`.
 */
export class TempDirs {
  readonly #prefix: string;
  readonly #dirs: TempDir[] = [];

  constructor(prefix = "narwhal-test-") {
    this.#prefix = prefix;
  }

  /** A new, empty directory (absolute path), removed by the next removeAll(). */
  async make(prefix = this.#prefix): Promise<string> {
    const dir = await tempDir(prefix);
    this.#dirs.push(dir);
    return dir.path;
  }

  /** Deletes every directory made so far and everything in them. */
  async removeAll(): Promise<void> {
    await Promise.all(this.#dirs.splice(0).map((dir) => dir.remove()));
  }
}
