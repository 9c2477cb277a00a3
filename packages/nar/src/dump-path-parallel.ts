// The NAR dump on several threads: each worker walks the tree and reads the files of every Nth run of nodes into
// its own ring, and this thread passes the rings' bytes to the sink in NAR order. File system calls, the cost of a
// dump, run in parallel; output order and the bytes stay exactly those of a single-threaded dump.

import { lstatSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { RingReader, createRingBuffer } from "./byte-ring.js";
import { NarError, type NarErrorCode } from "./errors.js";
import { narChunks } from "./nar-chunks.js";
import type { ParallelDumpWorkerData } from "./parallel-dump-worker.js";

export interface DumpPathParallelOptions {
  /** Worker threads (default: available parallelism, at most 4). 1 = dump on this thread. */
  threads?: number;
  /** Bytes of ring per worker (a power of two, default 4 MiB); memory use is threads x this. */
  ringBytes?: number;
  /** Largest chunk handed to the sink (default 1 MiB). */
  chunkSize?: number;
}

const DEFAULT_RING_BYTES = 4 << 20;
const reusing = (buffer: Buffer) => () => buffer;

function workerUrl(): URL {
  const here = new URL(import.meta.url);
  // Running from TypeScript sources (tests): the worker still needs the compiled JavaScript.
  if (here.pathname.endsWith(".ts")) return new URL("../dist/parallel-dump-worker.js", here);
  return new URL("./parallel-dump-worker.js", here);
}

/**
 * Calls `sink` with the NAR of `path` in order, each chunk valid only until the call returns (or the promise it
 * returns settles), reading with several threads when `path` is a directory. Rejects with the dump's error.
 */
export async function dumpPathParallel(path: string | Buffer, sink: (chunk: Buffer) => void | Promise<void>, options: DumpPathParallelOptions = {}): Promise<void> {
  const root = typeof path === "string" ? Buffer.from(path, "utf8") : path;
  const threads = options.threads ?? Math.min(4, availableParallelism());
  const chunkSize = options.chunkSize ?? 1 << 20;
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (threads === 1 || !lstatSync(root).isDirectory()) {
    for (const chunk of narChunks(root, { nextBuffer: reusing(Buffer.allocUnsafe(chunkSize)) })) {
      if (typeof chunk !== "symbol") await sink(chunk);
    }
    return;
  }
  const rings = Array.from({ length: threads }, () => createRingBuffer(options.ringBytes ?? DEFAULT_RING_BYTES));
  let crashed: Error | undefined;
  const workers = rings.map((ring, workerIndex) => {
    const workerData: ParallelDumpWorkerData = { root, ring, workerIndex, workers: threads, chunkSize };
    const worker = new Worker(workerUrl(), { workerData });
    worker.on("error", (error) => (crashed ??= error));
    worker.on("exit", (code) => {
      if (code !== 0) crashed ??= new Error(`NAR dump worker ${workerIndex} exited with code ${code}`);
    });
    return worker;
  });
  try {
    const readers = rings.map((ring) => new RingReader(ring));
    for (let run = 0; ; run++) {
      const reader = readers[run % threads]!;
      for (;;) {
        const record = reader.next();
        if (record === undefined) {
          if (crashed !== undefined) throw crashed;
          await reader.waitForData(200);
          continue;
        }
        if (record.kind === "data") {
          const pending = sink(record.bytes);
          if (pending !== undefined) await pending;
        }
        else if (record.kind === "error") throw workerError(record.payload);
        reader.release();
        if (record.kind === "done") return;
        if (record.kind === "runEnd") break;
      }
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function workerError(payload: string): Error {
  const failure = JSON.parse(payload) as { message: string; code?: string; narError: boolean; path?: string; offset?: number; errno?: number; syscall?: string };
  if (failure.narError) {
    return new NarError(failure.code as NarErrorCode, failure.message, {
      ...(failure.path === undefined ? {} : { path: failure.path }),
      ...(failure.offset === undefined ? {} : { offset: failure.offset }),
    });
  }
  return Object.assign(new Error(failure.message), { code: failure.code, errno: failure.errno, syscall: failure.syscall });
}
