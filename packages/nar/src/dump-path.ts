// Serializes a filesystem path into NAR bytes identical to `nix-store --dump`: byte-sorted entries, owner-x bit as
// the executable flag, verbatim symlink targets, file contents streamed in bounded chunks (memory never tracks file size).

import { constants, type Stats } from "node:fs";
import { lstat, open, readdir, readlink } from "node:fs/promises";
import { NarError } from "./errors.js";
import { compareEntryNames } from "./entry-name-rules.js";
import { MAX_NAR_DEPTH } from "./nar-limits.js";
import type { NarWriteEvent } from "./nar-events.js";
import { writeNar } from "./nar-writer.js";
import { coalesceChunks } from "./coalesce-chunks.js";

export interface DumpPathOptions {
  /** Largest chunk read from a regular file at a time (default 1 MiB). */
  chunkSize?: number;
}

const DEFAULT_CHUNK_SIZE = 1 << 20;
const SLASH = Buffer.from("/");

/** NAR bytes of `path` (a directory, regular file or symlink, not followed), exactly as `nix-store --dump` emits them. */
export async function* dumpPath(path: string | Buffer, options: DumpPathOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const root = typeof path === "string" ? Buffer.from(path, "utf8") : path;
  yield* coalesceChunks(writeNar(walkPath(root, options.chunkSize ?? DEFAULT_CHUNK_SIZE)));
}

interface PendingNode {
  fsPath: Buffer;
  segments: Buffer[];
}

/** Depth-first, byte-ordered walk of `root` as writer events; iterative so deep trees cannot overflow the stack. */
async function* walkPath(root: Buffer, chunkSize: number): AsyncGenerator<NarWriteEvent, void, undefined> {
  const pending: PendingNode[] = [{ fsPath: root, segments: [] }];
  while (pending.length > 0) {
    const { fsPath, segments } = pending.pop()!;
    const stats = await lstat(fsPath);
    if (stats.isDirectory()) {
      yield { type: "directory", segments };
      const names = await readdir(fsPath, { encoding: "buffer" });
      if (names.length > 0 && segments.length + 1 > MAX_NAR_DEPTH) {
        throw new NarError("NAR_TOO_DEEP", `cannot dump ${fsPath.toString()}: its entries would be nested ${segments.length + 1} levels deep; the limit is ${MAX_NAR_DEPTH}`, { path: fsPath.toString() });
      }
      names.sort(compareEntryNames);
      for (let index = names.length - 1; index >= 0; index--) {
        const name = names[index]!;
        pending.push({ fsPath: Buffer.concat([fsPath, SLASH, name]), segments: [...segments, name] });
      }
    } else if (stats.isFile()) {
      const executable = (stats.mode & constants.S_IXUSR) !== 0;
      yield { type: "file", segments, executable, size: stats.size, contents: readFileChunks(fsPath, stats.size, chunkSize) };
    } else if (stats.isSymbolicLink()) {
      yield { type: "symlink", segments, target: await readlink(fsPath, { encoding: "buffer" }) };
    } else {
      throw new NarError("NAR_UNSUPPORTED_FILE_TYPE", `cannot dump ${fsPath.toString()}: it is ${describeFileType(stats)}; a NAR can only hold regular files, directories and symlinks`, { path: fsPath.toString() });
    }
  }
}

/**
 * Exactly `size` bytes of the file, in fresh chunks of at most `chunkSize`; refuses a file that changes meanwhile.
 * The next read is already in flight while the consumer handles the current chunk (read-ahead of one chunk), so
 * file I/O on libuv's thread pool overlaps with hashing, compressing or writing.
 */
async function* readFileChunks(fsPath: Buffer, size: number, chunkSize: number): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(fsPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  const changed = (what: string) =>
    new NarError("NAR_FILE_CHANGED", `cannot dump ${fsPath.toString()}: ${what} while it was being read (expected ${size} bytes)`, { path: fsPath.toString() });
  let position = 0;
  const readNext = async (): Promise<Buffer> => {
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, size - position));
    const at = position;
    position += buffer.length;
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, at + filled);
      if (bytesRead === 0) throw changed("the file shrank");
      filled += bytesRead;
    }
    return buffer;
  };
  let pending: Promise<Buffer> | undefined;
  try {
    pending = size > 0 ? readNext() : undefined;
    while (pending) {
      const chunk = await pending;
      pending = position < size ? readNext() : undefined;
      yield chunk;
    }
    const { bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, size);
    if (bytesRead !== 0) throw changed("the file grew");
  } finally {
    // A read still in flight (consumer stopped early) must settle before the handle closes.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

function describeFileType(stats: Stats): string {
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "of an unknown file type";
}
