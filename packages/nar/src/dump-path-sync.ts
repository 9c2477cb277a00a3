// The synchronous NAR dump: the whole NAR of a path passed to a callback in views of one reused buffer, with no
// promise per chunk. For consumers that finish with each chunk at once (hashing, synchronous writes to a descriptor).

import { MIN_DUMP_BUFFER } from "./dump-framing.js";
import { narChunks } from "./nar-chunks.js";

export interface DumpPathSyncOptions {
  /** Size of the reused buffer (default 1 MiB, at least 8 KiB). */
  bufferSize?: number;
}

/** Calls `sink` with the NAR of `path` in order; each chunk is valid only during the call. */
export function dumpPathSync(
  path: string | Buffer,
  sink: (chunk: Buffer) => void,
  options: DumpPathSyncOptions = {},
): void {
  const root = typeof path === "string" ? Buffer.from(path, "utf8") : path;
  const buffer = Buffer.allocUnsafe(Math.max(MIN_DUMP_BUFFER, options.bufferSize ?? 1 << 20));
  for (const chunk of narChunks(root, { nextBuffer: () => buffer })) {
    if (Buffer.isBuffer(chunk)) sink(chunk);
  }
}
