// Unpacks a NAR stream into a new path, like `nix-store --restore`, streaming file contents to disk.
// Safety rules live in restore-guards.ts; on failure everything this call created is removed unless asked to keep it.
// Only the calls that create an inode (open, mkdir, symlink) go through libuv's thread pool: on a busy file system
// they are the ones that wait, and several restores then wait in parallel. The rest (lstat, fchmod, write, close) are
// synchronous, each a few microseconds against the page cache: sent through the pool one by one, a closure of 30,000
// files took ~1.14 million futex calls (system time 4-7x Nix's) and most of the copy's user CPU.

import { closeSync, constants, fchmodSync, open, writeSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { resolve } from "node:path";
import type { NarFileEvent } from "./nar-events.js";
import { parseNar } from "./nar-parser.js";
import { CreatedDirectories, assertTargetAbsent, pathInside, targetExists } from "./restore-guards.js";

export interface RestoreNarOptions {
  /** Leave a partially restored target in place when restoring fails (default false: it is removed). */
  keepPartialOnError?: boolean;
}

const EXECUTABLE_MODE = 0o755;
const REGULAR_MODE = 0o644;

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
  const directories = new CreatedDirectories();
  let createdTarget = false;
  try {
    for await (const event of parseNar(source)) {
      const isRoot = event.segments.length === 0;
      if (!isRoot) directories.assertWritable(pathInside(target, event.segments.slice(0, -1)));
      const fsPath = isRoot ? target : pathInside(target, event.segments);
      switch (event.type) {
        case "directory":
          await mkdirExclusive(fsPath, isRoot, target);
          if (isRoot) createdTarget = true;
          directories.record(fsPath);
          break;
        case "symlink":
          await symlink(event.target, fsPath).catch((error: unknown) => rethrowExists(error, isRoot, target));
          if (isRoot) createdTarget = true;
          break;
        case "file":
          await writeNewFile(
            fsPath,
            event,
            () => {
              if (isRoot) createdTarget = true;
            },
            isRoot,
            target,
          );
          break;
      }
    }
  } catch (error) {
    if (createdTarget && options.keepPartialOnError !== true) {
      // Best effort: the restore error is what the caller needs to see, not a secondary cleanup failure.
      await rm(target, { recursive: true, force: true }).catch(() => undefined);
    }
    throw error;
  }
}

async function mkdirExclusive(fsPath: Buffer, isRoot: boolean, target: Buffer): Promise<void> {
  await mkdir(fsPath, { mode: 0o755 }).catch((error: unknown) => rethrowExists(error, isRoot, target));
}

/** Create the file with O_CREAT|O_EXCL|O_NOFOLLOW (never reusing or following anything) and stream its contents. */
async function writeNewFile(
  fsPath: Buffer,
  event: NarFileEvent,
  onCreated: () => void,
  isRoot: boolean,
  target: Buffer,
): Promise<void> {
  const mode = event.executable ? EXECUTABLE_MODE : REGULAR_MODE;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fd = await openNew(fsPath, flags, mode).catch((error: unknown) => rethrowExists(error, isRoot, target));
  onCreated();
  try {
    fchmodSync(fd, mode);
    for await (const chunk of event.contents) {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
    }
  } finally {
    closeSync(fd);
  }
}

/** open(2) on libuv's pool, giving the plain descriptor (a FileHandle would send its close through the pool too). */
function openNew(fsPath: Buffer, flags: number, mode: number): Promise<number> {
  return new Promise((resolve, reject) => {
    open(fsPath, flags, mode, (error, fd) => (error ? reject(error) : resolve(fd)));
  });
}

function rethrowExists(error: unknown, isRoot: boolean, target: Buffer): never {
  if (isRoot && (error as NodeJS.ErrnoException).code === "EEXIST") throw targetExists(target);
  throw error;
}
