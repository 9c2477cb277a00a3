// The NAR dump on a worker thread: the worker walks and reads (the file system calls that are a dump's cost) into
// a shared-memory ring while this thread consumes the bytes (hashing, writing), so the two overlap.
// The bytes are exactly those of dumpPath; memory is the ring (4 MiB by default).

import { Worker } from "node:worker_threads";
import { RingReader, createRingBuffer } from "./byte-ring.js";
import { MIN_DUMP_BUFFER } from "./dump-framing.js";
import type { DumpWorkerData } from "./dump-worker.js";
import { NarError, type NarErrorCode } from "./errors.js";
import { compiledModuleUrl } from "./package-files.js";

export interface DumpPathInWorkerOptions {
  /** Bytes of shared ring between the worker and this thread (a power of two, at least 256 KiB; default 4 MiB). */
  ringBytes?: number;
  /** Largest chunk handed to the sink (default 1 MiB). */
  chunkSize?: number;
}

const DEFAULT_RING_BYTES = 4 << 20;
const MIN_RING_BYTES = 256 * 1024;

/**
 * Calls `sink` with the NAR of `path` in order, each chunk valid only until the call returns (or the promise it
 * returns settles), while a worker thread reads ahead. Rejects with the dump's error.
 */
export async function dumpPathInWorker(
  path: string | Buffer,
  sink: (chunk: Buffer) => void | Promise<void>,
  options: DumpPathInWorkerOptions = {},
): Promise<void> {
  const root = typeof path === "string" ? Buffer.from(path, "utf8") : path;
  const chunkSize = Math.max(MIN_DUMP_BUFFER, options.chunkSize ?? 1 << 20);
  const ringBytes = options.ringBytes ?? DEFAULT_RING_BYTES;
  if (ringBytes < MIN_RING_BYTES)
    throw new RangeError(
      `ringBytes must be at least ${MIN_RING_BYTES} (the worker takes 64 KiB of space at a time), got ${ringBytes}`,
    );
  const ring = createRingBuffer(ringBytes);
  let crashed: Error | undefined;
  const workerData: DumpWorkerData = { root, ring, chunkSize };
  const worker = new Worker(compiledModuleUrl("dump-worker.js"), { workerData });
  worker.on("error", (error) => (crashed ??= error));
  worker.on("exit", (code) => {
    if (code !== 0) crashed ??= new Error(`NAR dump worker exited with code ${code}`);
  });
  const reader = new RingReader(ring);
  try {
    for (;;) {
      const record = reader.next();
      if (record === undefined) {
        if (crashed !== undefined) throw crashed;
        await reader.waitForData(200);
        continue;
      }
      if (record.kind === "error") throw workerError(record.payload);
      if (record.kind === "done") return;
      const pending = sink(record.bytes);
      if (pending !== undefined) await pending;
      reader.release();
    }
  } finally {
    await worker.terminate();
  }
}

function workerError(payload: string): Error {
  const failure = JSON.parse(payload) as {
    message: string;
    code?: string;
    narError: boolean;
    path?: string;
    offset?: number;
    errno?: number;
    syscall?: string;
  };
  if (failure.narError) {
    return new NarError(failure.code as NarErrorCode, failure.message, {
      ...(failure.path === undefined ? {} : { path: failure.path }),
      ...(failure.offset === undefined ? {} : { offset: failure.offset }),
    });
  }
  return Object.assign(new Error(failure.message), {
    code: failure.code,
    errno: failure.errno,
    syscall: failure.syscall,
  });
}
