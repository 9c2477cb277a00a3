// The persistent on-disk queue of store paths to push: one small file per path under pending/ (named by the path's
// base name, so a path is queued once however often it is handed in), written durably; a path leaves pending/ only
// once it was pushed, or moves to failed/ when it can never be pushed.

import { constants } from "node:fs";
import { access, mkdir, open, opendir, readdir, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseStorePath } from "@narwhal/store-path";
import { removeFileDurably, syncDirectory, writeFileDurably } from "./durable-file.js";
import { PushQueueError, messageOf } from "./errors.js";

/** A queue file is a short JSON object; anything larger was not written by narwhal. */
const ENTRY_LIMIT = 16 * 1024;
/** Temp files older than this were left by a writer that died; younger ones may belong to a running queue-push. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const DIRECTORY_MODE = 0o755;
/** Entries written at once by one enqueue (each is written, fsynced and renamed on its own). */
const PARALLEL_WRITES = 32;

/** One queued path and its retry state. */
export interface QueueEntry {
  /** The file name under pending/: the store path's base name. */
  readonly name: string;
  /** The full store path. */
  readonly path: string;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** Not to be tried before this time (ms since the epoch); 0 = at once. */
  readonly notBefore: number;
  readonly lastError?: string;
  /**
   * The entry stands for the outputs of the derivation `path` (queued from Nix 2.8.0's post-build-hook, whose
   * OUT_PATHS is empty): the pusher reads them from the .drv and queues them in its place.
   */
  readonly outputsOf?: true;
}

/** Prefix of the file name of an outputs-of entry: `!` cannot occur in a store path name, so names never clash. */
const OUTPUTS_PREFIX = "outputs!";

/** A file under pending/ that is not a queue entry (it is moved to failed/ by whoever drains the queue). */
export interface BadQueueEntry {
  readonly name: string;
  readonly problem: string;
}

export class PushQueue {
  readonly directory: string;
  readonly pendingDirectory: string;
  readonly failedDirectory: string;
  /** Where files are written before they are renamed into place (same file system as the queue). */
  readonly tempDirectory: string;

  private constructor(directory: string) {
    this.directory = directory;
    this.pendingDirectory = join(directory, "pending");
    this.failedDirectory = join(directory, "failed");
    this.tempDirectory = join(directory, "tmp");
  }

  /** Opens the queue in `directory`, creating it (mode 755) when absent; refuses a queue this user cannot write. */
  static async open(directory: string): Promise<PushQueue> {
    if (!directory.startsWith("/"))
      throw new PushQueueError(
        "QUEUE_BAD_OPTIONS",
        directory,
        `the push queue directory must be an absolute path, got ${JSON.stringify(directory)}`,
      );
    const queue = new PushQueue(directory.replace(/\/+$/, "") || "/");
    for (const sub of [queue.pendingDirectory, queue.failedDirectory, queue.tempDirectory]) {
      try {
        await mkdir(sub, { recursive: true, mode: DIRECTORY_MODE });
        await access(sub, constants.W_OK | constants.X_OK);
      } catch (error) {
        throw new PushQueueError(
          "QUEUE_UNWRITABLE",
          sub,
          `cannot use the push queue directory ${sub}: ${messageOf(error)}; it must be a directory this user can write (give another one with --queue)`,
          { cause: error },
        );
      }
    }
    return queue;
  }

  /**
   * Queues `paths` (full store paths, any store directory) and returns once every one is on disk. A path already
   * queued keeps its entry (and its retry state). Nothing is queued when one of them is not a store path.
   */
  async enqueue(paths: Iterable<string>): Promise<number> {
    const checked = new Map<string, string>();
    for (const path of paths) checked.set(baseNameOf(path), path);
    let added = 0;
    const writeOne = async ([name, path]: [string, string]): Promise<void> => {
      if (await exists(join(this.pendingDirectory, name))) return;
      await writeFileDurably(this.tempDirectory, this.pendingDirectory, name, formatEntry({ path }), {
        syncDirectory: false,
      });
      added++;
    };
    // Several fsyncs in flight at once share the file system's journal commits (2,000 paths: 9-16 s one by one).
    const all = [...checked];
    for (let start = 0; start < all.length; start += PARALLEL_WRITES)
      await Promise.all(all.slice(start, start + PARALLEL_WRITES).map(writeOne));
    if (added > 0) await syncDirectory(this.pendingDirectory);
    return added;
  }

  /** Queues the outputs of the derivation `drvPath`, to be read from the .drv by whoever drains the queue. */
  async enqueueOutputsOf(drvPath: string): Promise<void> {
    const name = `${OUTPUTS_PREFIX}${baseNameOf(drvPath)}`;
    if (!drvPath.endsWith(".drv"))
      throw new PushQueueError(
        "QUEUE_BAD_PATH",
        drvPath,
        `cannot queue the outputs of ${JSON.stringify(drvPath)}: it is not a .drv path`,
      );
    if (await exists(join(this.pendingDirectory, name))) return;
    await writeFileDurably(
      this.tempDirectory,
      this.pendingDirectory,
      name,
      formatEntry({ path: drvPath, outputsOf: true }),
    );
  }

  /** The queued entries, read one directory entry at a time (memory does not grow with the queue). */
  async *entries(): AsyncGenerator<QueueEntry | BadQueueEntry> {
    const directory = await opendir(this.pendingDirectory, { bufferSize: 64 });
    for await (const dirent of directory) {
      if (!dirent.isFile()) continue;
      const read = await this.#read(dirent.name);
      if (read !== undefined) yield read;
    }
  }

  /** How many paths are queued. */
  async size(): Promise<number> {
    let count = 0;
    const directory = await opendir(this.pendingDirectory, { bufferSize: 64 });
    for await (const dirent of directory) if (dirent.isFile()) count++;
    return count;
  }

  /** The path was pushed: its entry goes. */
  async remove(entry: { readonly name: string }): Promise<void> {
    await removeFileDurably(this.pendingDirectory, entry.name);
  }

  /** Records a failed attempt: the entry stays, not to be tried again before `notBefore`. */
  async postpone(entry: QueueEntry, notBefore: number, error: string): Promise<QueueEntry> {
    const next: QueueEntry = { ...entry, attempts: entry.attempts + 1, notBefore, lastError: error };
    await writeFileDurably(this.tempDirectory, this.pendingDirectory, entry.name, formatEntry(next));
    return next;
  }

  /** The path can never be pushed: its entry moves to failed/ with the reason, for a person to look at. */
  async reject(entry: QueueEntry | BadQueueEntry, error: string): Promise<void> {
    const record = "path" in entry ? { ...entry, error } : { name: entry.name, error };
    await writeFileDurably(
      this.tempDirectory,
      this.failedDirectory,
      entry.name,
      `${JSON.stringify({ ...record, failedAt: new Date().toISOString() })}\n`,
    );
    await this.remove(entry);
  }

  /** Removes temp files that a writer killed mid-write left behind (only old ones: a young one may be in use). */
  async removeStaleTemps(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.tempDirectory)) {
      const file = join(this.tempDirectory, name);
      const info = await stat(file).catch(() => undefined);
      if (info === undefined || now - info.mtimeMs < STALE_TEMP_MS) continue;
      await unlink(file).catch(() => {});
      removed++;
    }
    return removed;
  }

  async #read(name: string): Promise<QueueEntry | BadQueueEntry | undefined> {
    let text: string;
    try {
      const handle = await open(join(this.pendingDirectory, name), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const buffer = Buffer.alloc(ENTRY_LIMIT + 1);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        if (bytesRead > ENTRY_LIMIT) return { name, problem: `queue entry is larger than ${ENTRY_LIMIT} bytes` };
        text = buffer.subarray(0, bytesRead).toString("utf8");
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined; // pushed and removed meanwhile
      return { name, problem: `cannot read the queue entry: ${messageOf(error)}` };
    }
    return parseEntry(name, text);
  }
}

/** The base name a store path is queued under; throws QUEUE_BAD_PATH for anything that is not a store path. */
export function baseNameOf(path: string): string {
  try {
    return parseStorePath(path, dirname(path)).baseName;
  } catch (error) {
    throw new PushQueueError(
      "QUEUE_BAD_PATH",
      path,
      `cannot queue ${JSON.stringify(path)}: it is not a store path (${messageOf(error)})`,
      { cause: error },
    );
  }
}

function formatEntry(entry: Omit<QueueEntry, "name" | "attempts" | "notBefore"> & Partial<QueueEntry>): string {
  const { path, attempts = 0, notBefore = 0, lastError, outputsOf } = entry;
  return `${JSON.stringify({
    path,
    attempts,
    notBefore,
    ...(lastError === undefined ? {} : { lastError }),
    ...(outputsOf === true ? { outputsOf } : {}),
  })}\n`;
}

function parseEntry(name: string, text: string): QueueEntry | BadQueueEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { name, problem: `queue entry is not JSON: ${messageOf(error)}` };
  }
  const record = value as Record<string, unknown> | null;
  if (typeof record !== "object" || record === null || typeof record.path !== "string")
    return { name, problem: 'queue entry has no "path" string' };
  let baseName: string;
  try {
    baseName = baseNameOf(record.path);
  } catch (error) {
    return { name, problem: messageOf(error) };
  }
  const outputsOf = record.outputsOf === true;
  if ((outputsOf ? `${OUTPUTS_PREFIX}${baseName}` : baseName) !== name || (outputsOf && !baseName.endsWith(".drv")))
    return { name, problem: `queue entry names ${JSON.stringify(record.path)}, not a path called ${name}` };
  const attempts = wholeNumber(record.attempts);
  const notBefore = wholeNumber(record.notBefore);
  return {
    name,
    path: record.path,
    attempts,
    notBefore,
    ...(typeof record.lastError === "string" ? { lastError: record.lastError } : {}),
    ...(outputsOf ? { outputsOf: true as const } : {}),
  };
}

function wholeNumber(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
