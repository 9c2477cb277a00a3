// Unpacks a NAR stream into a new path, like `nix-store --restore`, streaming file contents to disk.
// Safety rules live in restore-guards.ts; on failure everything this call created is removed unless asked to keep it.
// Every file-system call is synchronous, each a few microseconds against the page cache. Sent through libuv's
// thread pool, a closure of 30,000 files took ~1.14 million futex calls when every call went there; with only the
// inode-creating calls (open, mkdir, symlink) there, `copy --from file:// --to local?root=` of that closure still
// took 4.1-4.6 s (2.1 s system) against 2.7-3.0 s (1.0-1.2 s system) with all of them synchronous (tmpfs, 2 cores).
// With `storeMetadata`, entries get a store path's metadata as they are made (see StoreMetadata), so nothing walks
// the tree again to change it.

import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  futimesSync,
  lutimesSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { parseNar } from "./nar-parser.js";
import {
  CreatedDirectories,
  PullCountingSource,
  assertTargetAbsent,
  entryPathIn,
  targetExists,
  type CreatedDirectory,
} from "./restore-guards.js";

export interface RestoreNarOptions {
  /** Leave a partially restored target in place when restoring fails (default false: it is removed). */
  keepPartialOnError?: boolean;
  /** Give the entries the metadata Nix gives a store path, instead of nix-store --restore's 0644 / 0755. */
  storeMetadata?: StoreMetadata;
}

/**
 * A store path's metadata: files 0444 (0555 when executable), directories 0555 (set once their contents are
 * written), every modification time 1 (the epoch + 1 s), symlinks included. The root directory gets
 * `rootDirectoryMode` instead of 0555: moving a directory to another parent rewrites its `..` entry, which needs
 * write permission on it for anyone but root.
 */
export interface StoreMetadata {
  readonly rootDirectoryMode: number;
}

/** File modes as nix-store --restore makes them, and as a store path has them. */
const FILE_MODES = { executable: 0o755, regular: 0o644 } as const;
const STORE_FILE_MODES = { executable: 0o555, regular: 0o444 } as const;
const STORE_DIRECTORY_MODE = 0o555;
const STORE_MTIME = 1;
/** Files are created, never reused or followed: O_CREAT | O_EXCL | O_NOFOLLOW. */
const NEW_FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Restore the NAR read from `source` at `targetDir`, which must not exist (its parent must).
 * Files get mode 0o755 or 0o644 regardless of umask; symlinks are created verbatim and never followed.
 */
export async function restoreNar(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  targetDir: string | Buffer,
  options: RestoreNarOptions = {},
): Promise<void> {
  const target = typeof targetDir === "string" ? Buffer.from(resolve(targetDir), "utf8") : targetDir;
  await assertTargetAbsent(target);
  const directories: CreatedDirectories = new CreatedDirectories(); // typed: assertWritable narrows
  // The directories holding the current entry: [depth] is the one at that depth (the NAR is depth-first).
  const enclosing: CreatedDirectory[] = [];
  const store = options.storeMetadata;
  const input = new PullCountingSource(source);
  const umask = currentUmask();
  let createdTarget = false;
  try {
    for await (const event of parseNar(input)) {
      const depth = event.segments.length;
      const isRoot = depth === 0;
      let fsPath = target;
      if (!isRoot) {
        enclosing.length = depth;
        const parent = enclosing[depth - 1];
        directories.assertWritable(parent, input.pulls, event.path);
        fsPath = entryPathIn(parent.path, event.segments[depth - 1]!, target);
      }
      switch (event.type) {
        case "directory":
          createExclusive(() => mkdirSync(fsPath, { mode: 0o755 }), isRoot, target);
          if (isRoot) createdTarget = true;
          enclosing[depth] = directories.record(fsPath);
          break;
        case "symlink":
          createExclusive(() => symlinkSync(event.target, fsPath), isRoot, target);
          if (isRoot) createdTarget = true;
          if (store !== undefined) lutimesSync(fsPath, STORE_MTIME, STORE_MTIME);
          break;
        case "file": {
          const modes = store === undefined ? FILE_MODES : STORE_FILE_MODES;
          const mode = event.executable ? modes.executable : modes.regular;
          const fd = createExclusive(() => openSync(fsPath, NEW_FILE_FLAGS, mode), isRoot, target);
          if (isRoot) createdTarget = true;
          try {
            if ((mode & umask) !== 0) fchmodSync(fd, mode); // the umask took bits away
            const whole = event.contents.takeIfBuffered(); // most files: no stream to wait for
            if (whole !== undefined) writeAll(fd, whole);
            else for await (const chunk of event.contents) writeAll(fd, chunk);
            if (store !== undefined) futimesSync(fd, STORE_MTIME, STORE_MTIME);
          } finally {
            closeSync(fd);
          }
          break;
        }
      }
    }
    // Directories last, deepest first (an entry made in a directory would change its modification time again).
    if (store !== undefined) {
      for (const directory of directories.createdDeepestFirst()) {
        chmodSync(directory, directory.equals(target) ? store.rootDirectoryMode : STORE_DIRECTORY_MODE);
        lutimesSync(directory, STORE_MTIME, STORE_MTIME);
      }
    }
  } catch (error) {
    if (createdTarget && options.keepPartialOnError !== true) {
      // Best effort: the restore error is what the caller needs to see, not a secondary cleanup failure.
      if (store !== undefined) unsealDirectories(directories);
      await rm(target, { recursive: true, force: true }).catch(() => undefined);
    }
    throw error;
  }
}

/** Makes this restore's directories writable again, so that a non-root process can remove what it made. */
function unsealDirectories(directories: CreatedDirectories): void {
  for (const directory of directories.createdDeepestFirst()) {
    try {
      chmodSync(directory, 0o755);
    } catch {
      // gone already, or not ours: rm reports nothing either way
    }
  }
}

/** Runs an exclusive create (mkdir, symlink, open); an existing root is "target exists", anything else is rethrown. */
function createExclusive<T>(create: () => T, isRoot: boolean, target: Buffer): T {
  try {
    return create();
  } catch (error) {
    rethrowExists(error, isRoot, target);
  }
}

/**
 * The process's umask, read once per restore: files are opened with their final mode, and fchmod follows only
 * when the umask took bits of it away. (Reading it this way is deprecated only in the documentation, because
 * setting and reading are not atomic together; nothing here sets it.)
 */
function currentUmask(): number {
  return process.umask();
}

function writeAll(fd: number, chunk: Buffer): void {
  let written = 0;
  while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
}

function rethrowExists(error: unknown, isRoot: boolean, target: Buffer): never {
  if (isRoot && (error as NodeJS.ErrnoException).code === "EEXIST") throw targetExists(target);
  throw error;
}
