// Main-thread side of off-main-thread zstd streams: a Piscina pool of worker threads (one per core), each hosting
// many stream sessions as concurrent tasks, so N streams compress on N cores and the event loop only copies chunks.

import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import type { Piscina } from "piscina";
import { piscinaModule } from "./native-modules.js";
import { CodecError } from "./codec-error.js";
import { compiledModuleUrl } from "./package-files.js";
import type { ZstdSessionInput, ZstdSessionOpen, ZstdSessionReply } from "./zstd-stream-worker.js";

/** Input is gathered into pieces of this size before it is handed to a worker (one copy, then transferred). */
const BATCH_BYTES = 1 << 20;
/** Input pieces a session may have in a worker (or waiting to be taken by the consumer) at once. */
const IN_FLIGHT = 3;

/** Sessions one worker thread hosts at once: they mostly wait for input, so a thread serves many streams. */
const SESSIONS_PER_THREAD = 64;
let pool: Piscina | undefined;

/**
 * Input buffers workers handed back, shared by all streams (a stream per path would otherwise fault in fresh
 * memory for its first batches, and feed the garbage collector): at most this many are kept.
 */
const SPARES_KEPT = 16;
const spares: Uint8Array[] = [];

/** The Piscina pool of zstd stream threads (one per core), started on first use. */
function sessionPool(): Piscina {
  pool ??= new (piscinaModule().Piscina)({
    filename: compiledModuleUrl("zstd-stream-worker.js").href,
    minThreads: 0,
    maxThreads: Math.max(1, availableParallelism()),
    concurrentTasksPerWorker: SESSIONS_PER_THREAD,
    maxQueue: "auto",
    idleTimeout: 2_000,
  });
  return pool;
}

export async function closeZstdWorkers(): Promise<void> {
  const closing = pool?.destroy();
  pool = undefined;
  await closing;
}

/**
 * Compresses `source` into one zstd frame (with checksum) on a worker thread. `nbWorkers` > 0 lets zstd use its
 * own threads inside that worker. Back-pressure: at most IN_FLIGHT input pieces are outstanding, counting replies
 * the consumer has not taken yet, so memory per stream stays at a few MiB.
 */
export async function* compressZstdInWorker(
  source: AsyncIterable<Uint8Array>,
  level: number,
  nbWorkers: number,
): AsyncGenerator<Buffer> {
  const { port1: port, port2 } = new MessageChannel();
  const replies: ZstdSessionReply[] = [];
  const newBatch = () => spares.pop() ?? new Uint8Array(BATCH_BYTES);
  let failure: Error | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeFeeder: (() => void) | undefined;
  let outstanding = 0;
  let stopped = false;
  const wake = () => {
    const consumer = wakeConsumer;
    const feeder = wakeFeeder;
    wakeConsumer = undefined;
    wakeFeeder = undefined;
    consumer?.();
    feeder?.();
  };
  port.on("message", (reply: ZstdSessionReply) => {
    if (
      "spare" in reply &&
      reply.spare !== undefined &&
      reply.spare.byteLength === BATCH_BYTES &&
      spares.length < SPARES_KEPT
    )
      spares.push(reply.spare);
    replies.push(reply);
    wake();
  });
  const open: ZstdSessionOpen = { port: port2, level, nbWorkers };
  const session = sessionPool().run(open, { transferList: [port2] });
  session.catch((error: unknown) => {
    failure ??= new CodecError(
      "COMPRESSION_FAILED",
      `zstd: the compression worker thread stopped before the stream ended (${error instanceof Error ? error.message : String(error)})`,
    );
    wake();
  });

  const send = (message: ZstdSessionInput) => {
    outstanding += 1;
    port.postMessage(message, "input" in message ? [message.input.buffer as ArrayBuffer] : []);
  };
  const feeder = (async () => {
    let batch = newBatch();
    let filled = 0;
    const flush = async () => {
      while (outstanding >= IN_FLIGHT && !stopped && failure === undefined) {
        await new Promise<void>((resolve) => {
          wakeFeeder = resolve;
        });
      }
      if (stopped || failure !== undefined) return;
      send({ input: filled === batch.byteLength ? batch : batch.slice(0, filled) });
      batch = newBatch();
      filled = 0;
    };
    for await (const chunk of source) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const take = Math.min(chunk.byteLength - offset, BATCH_BYTES - filled);
        batch.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === BATCH_BYTES) await flush();
        if (stopped || failure !== undefined) return;
      }
    }
    if (filled > 0) await flush();
    if (!stopped && failure === undefined) send({ end: true });
  })().catch((error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    wake();
  });

  try {
    for (;;) {
      const reply = replies.shift();
      if (reply === undefined) {
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => {
          wakeConsumer = resolve;
        });
        continue;
      }
      if ("error" in reply)
        throw new CodecError(
          "COMPRESSION_FAILED",
          `zstd: compressing at level ${level} failed in the worker thread: ${reply.error}`,
        );
      for (const piece of reply.output) yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      outstanding -= 1;
      wake();
      if (reply.done) break;
    }
    await feeder;
    if (failure !== undefined) throw failure;
  } finally {
    stopped = true;
    wake();
    port.close();
  }
}
