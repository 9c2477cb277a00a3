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
   * consumer copies or finishes with every chunk before it asks for the next (hashing, synchronous writes, a binary
   * cache store's uploads).
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
  let scratch: Buffer = Buffer.allocUnsafe(Math.min(chunkSize, FIRST_BUFFER_SIZE));
  for (const chunk of narChunks(root, { nextBuffer: () => scratch })) {
    if (reuse) {
      yield chunk;
      const full = chunk.length + MIN_DUMP_BUFFER > scratch.length; // as in handOver
      if (full && scratch.length < chunkSize) scratch = Buffer.allocUnsafe(chunkSize);
    } else {
      const { handed, next } = handOver(scratch, chunk.length, chunkSize);
      scratch = next;
      yield handed;
    }
  }
}

/**
 * Without reuseBuffers, what the consumer gets of `filled` bytes in `buffer`, and where the next bytes go: a short
 * chunk is copied out, so the buffer stays ours; a full one is handed over whole and the next bytes go to a new buffer.
 */
function handOver(buffer: Buffer, filled: number, chunkSize: number): { handed: Buffer; next: Buffer } {
  // The serializers stop short of a buffer's end when the next node's framing does not fit: that is full too.
  const full = filled + MIN_DUMP_BUFFER > buffer.length;
  if (!full && filled < chunkSize / 2) return { handed: Buffer.from(buffer.subarray(0, filled)), next: buffer };
  return { handed: buffer.subarray(0, filled), next: Buffer.allocUnsafe(chunkSize) };
}

/**
 * dumpPath over fills that run off this thread: the next fill starts before a chunk is yielded, into a buffer the
 * consumer does not hold (with reuseBuffers, the two buffers take turns; otherwise as handOver says).
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
      let chunk: Buffer;
      if (reuse) {
        const size = filled + MIN_DUMP_BUFFER > buffer.length ? chunkSize : buffer.length; // full: grow
        filling = spare !== undefined && spare.length >= size ? spare : Buffer.allocUnsafe(size);
        spare = buffer;
        chunk = buffer.subarray(0, filled);
      } else {
        ({ handed: chunk, next: filling } = handOver(buffer, filled, chunkSize));
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
