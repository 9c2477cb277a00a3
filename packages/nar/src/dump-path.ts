// Serializes a filesystem path into NAR bytes identical to `nix-store --dump`: byte-sorted entries, owner-x bit as
// the executable flag, verbatim symlink targets, file contents streamed in bounded chunks (memory never tracks file size).
// With the native serializer the walk runs on a libuv pool thread one chunk ahead of the consumer (one pool round
// trip per chunk, not per file system call): the consumer's hashing and compressing overlap the reading. The
// JavaScript serializer's calls are synchronous on purpose: measured on a 370 MB tree, async reads spent most of
// their time waiting for libuv's thread pool (0.44 s vs 0.25 s); one call blocks for one chunk read at most.

import { MIN_DUMP_BUFFER } from "./dump-framing.js";
import { narChunks, narFillsOffThread } from "./nar-chunks.js";

export interface DumpPathOptions {
  /** Size of the chunks yielded (default 1 MiB, at least 8 KiB); framing is gathered, file contents read straight in. */
  chunkSize?: number;
  /**
   * Write every chunk into one reused buffer instead of a fresh one (no page faults for new memory: ~2x faster on a
   * cold process). Then each yielded chunk is valid only until the next one is requested, so use it only when the
   * consumer copies or finishes with every chunk synchronously (hashing, synchronous writes).
   */
  reuseBuffers?: boolean;
}

const DEFAULT_CHUNK_SIZE = 1 << 20;
const FIRST_BUFFER_SIZE = 64 * 1024;

/** NAR bytes of `path` (a directory, regular file or symlink, not followed), exactly as `nix-store --dump` emits them. */
export async function* dumpPath(
  path: string | Buffer,
  options: DumpPathOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const root = typeof path === "string" ? Buffer.from(path, "utf8") : path;
  const chunkSize = Math.max(MIN_DUMP_BUFFER, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const reuse = options.reuseBuffers === true;
  const fills = narFillsOffThread(root);
  if (fills !== undefined) {
    yield* dumpAhead(fills, chunkSize, reuse);
    return;
  }
  // Most store paths are small: start with a small buffer and move to full-size ones once a buffer fills up.
  let scratch = Buffer.allocUnsafe(Math.min(chunkSize, FIRST_BUFFER_SIZE));
  for (const chunk of narChunks(root, { nextBuffer: () => scratch })) {
    // The serializers stop short of a buffer's end when the next node's framing does not fit: that is full too.
    const full = chunk.length + MIN_DUMP_BUFFER > scratch.length;
    if (reuse) {
      yield chunk;
      if (full && scratch.length < chunkSize) scratch = Buffer.allocUnsafe(chunkSize);
    } else if (!full && chunk.length < chunkSize / 2) {
      yield Buffer.from(chunk); // a short chunk is copied out, so the buffer stays ours
    } else {
      scratch = Buffer.allocUnsafe(chunkSize); // a full one is handed over whole; the next bytes go to a new buffer
      yield chunk;
    }
  }
}

/**
 * dumpPath over fills that run off this thread: the next fill starts before a chunk is yielded, into a buffer the
 * consumer does not hold (with reuseBuffers, the two buffers take turns; otherwise a full buffer is handed over and
 * a short chunk copied out, as above).
 */
async function* dumpAhead(
  fills: { fill(buffer: Buffer): Promise<number>; release(): void },
  chunkSize: number,
  reuse: boolean,
): AsyncGenerator<Buffer, void, undefined> {
  let filling: Buffer = Buffer.allocUnsafe(Math.min(chunkSize, FIRST_BUFFER_SIZE));
  let spare: Buffer | undefined; // reuseBuffers: the buffer the consumer's last chunk is in
  let pending = fills.fill(filling);
  try {
    for (;;) {
      const filled = await pending;
      if (filled === 0) return;
      const buffer = filling;
      const full = filled + MIN_DUMP_BUFFER > buffer.length;
      let chunk: Buffer = buffer.subarray(0, filled);
      if (reuse) {
        filling =
          spare !== undefined && spare.length >= (full ? chunkSize : buffer.length)
            ? spare
            : Buffer.allocUnsafe(full ? chunkSize : buffer.length);
        spare = buffer;
      } else if (!full && filled < chunkSize / 2) {
        chunk = Buffer.from(chunk); // a short chunk is copied out, so the buffer stays ours
      } else {
        filling = Buffer.allocUnsafe(chunkSize); // a full one is handed over whole; the next bytes go to a new buffer
      }
      pending = fills.fill(filling);
      pending.catch(() => {}); // still awaited above; this only keeps an abandoned dump's failure from going unhandled
      yield chunk;
    }
  } finally {
    // A consumer that stops early: the running fill settles first (its failure is not theirs), so everything the
    // dump held is closed by the time their loop is left.
    await pending.catch(() => {});
    fills.release();
  }
}
