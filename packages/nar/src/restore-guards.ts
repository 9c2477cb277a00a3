// Defences of restoreNar: never overwrite, never write outside the target, never write through a symlink.
// Node has no openat(), so every write goes into a directory this restore created, re-checked with lstat by inode
// whenever the restore may have yielded to other code since the last check (see assertWritable).

import { lstatSync } from "node:fs";
import { lstat } from "node:fs/promises";
import { NarError, describeBytes } from "./errors.js";
import { entryNameProblem } from "./entry-name-rules.js";

const SLASH = Buffer.from("/");

/** Refuse a target that already exists in any form (file, directory, dangling symlink). */
export async function assertTargetAbsent(target: Buffer): Promise<void> {
  try {
    await lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  throw targetExists(target);
}

export function targetExists(target: Buffer): NarError {
  return new NarError(
    "RESTORE_TARGET_EXISTS",
    `cannot restore into ${target.toString()}: it already exists; restore only creates a new path`,
    { path: target.toString() },
  );
}

/** Filesystem path of the entry `name` in `parent`, after re-checking the name cannot escape it. */
export function entryPathIn(parent: Buffer, name: Buffer, target: Buffer): Buffer {
  const problem = entryNameProblem(name);
  if (problem !== undefined) {
    throw new NarError(
      "RESTORE_UNSAFE_PATH",
      `refusing to restore entry ${describeBytes(name)} under ${target.toString()}: ${problem}`,
      { path: target.toString() },
    );
  }
  return Buffer.concat([parent, SLASH, name]);
}

/** A directory this restore made, with the device and inode it had then. */
export interface CreatedDirectory {
  readonly path: Buffer;
  readonly dev: number;
  readonly ino: number;
}

/** The directories this restore made, identified by device and inode so a swapped-in symlink is noticed. */
export class CreatedDirectories {
  #created: CreatedDirectory[] = [];
  #lastChecked: CreatedDirectory | undefined;
  #lastCheckedAt = -1;

  /** Remember `path` right after mkdir created it. */
  record(path: Buffer): CreatedDirectory {
    const stats = lstatSync(path);
    if (!stats.isDirectory()) throw unsafe(path, "it is not the directory that was just created");
    const directory = { path, dev: stats.dev, ino: stats.ino };
    this.#created.push(directory);
    return directory;
  }

  /** The directories recorded, each after every directory inside it (the reverse of the order they were made in). */
  createdDeepestFirst(): Buffer[] {
    return this.#created.map((directory) => directory.path).reverse();
  }

  /**
   * Refuse to write into `directory` unless it is, still, the real directory this restore created. `inputPulls`
   * counts the times the restore asked its source for more bytes. Another process can swap a directory between any
   * lstat and the write after it, whenever they run; what the check catches is a swap while the restore waits for
   * input, so a directory checked since the last pull is not checked again (a man-page tree writes thousands of
   * files into one directory between two pulls, and an lstat for each was a tenth of the restore's time).
   */
  assertWritable(
    directory: CreatedDirectory | undefined,
    inputPulls: number,
    where: Buffer,
  ): asserts directory is CreatedDirectory {
    if (directory === undefined) throw unsafe(where, "it is not a directory this restore created");
    if (this.#lastChecked === directory && this.#lastCheckedAt === inputPulls) return;
    const stats = lstatSync(directory.path);
    if (!stats.isDirectory() || stats.dev !== directory.dev || stats.ino !== directory.ino) {
      throw unsafe(directory.path, "it was replaced after this restore created it");
    }
    this.#lastChecked = directory;
    this.#lastCheckedAt = inputPulls;
  }
}

/** Counts how often a restore pulled from its source (see CreatedDirectories.assertWritable). */
export class PullCountingSource implements AsyncIterable<Uint8Array> {
  #source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  pulls = 0;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.#source = source;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of this.#source) {
      yield chunk;
      this.pulls++;
    }
  }
}

function unsafe(path: Buffer, reason: string): NarError {
  return new NarError("RESTORE_UNSAFE_PATH", `refusing to write into ${path.toString()}: ${reason}`, {
    path: path.toString(),
  });
}
