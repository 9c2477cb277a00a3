// Piscina task for off-main-thread zstd streams: each task is one stream session (one MessagePort, open until the
// stream ends) that owns a zstd context, compresses the chunks it receives into one frame and posts the compressed
// pieces back, transferred. Many sessions share a worker thread.

import type { MessagePort } from "node:worker_threads";
import { packageRequire } from "./package-files.js";

interface ZstdContext {
  setParameter(parameter: number, value: number): void;
  compressStream2(output: Uint8Array, input: Uint8Array, endOp: number): [number, number, number];
  reset(directive: number): void;
}
interface ZstdBinding {
  CCtx: new () => ZstdContext;
  CParameter: { compressionLevel: number; checksumFlag: number; nbWorkers: number };
  EndDirective: { continue: number; end: number };
  ResetDirective: { sessionAndParameters: number };
  cStreamOutSize(): number;
}

/** The task: the port carries this stream's chunks and replies. */
export interface ZstdSessionOpen {
  readonly port: MessagePort;
  readonly level: number;
  /** zstd's own compression threads inside this worker; 0 compresses on the worker thread itself. */
  readonly nbWorkers: number;
}
/** main -> worker, on the session port: one input piece, or the end of the input. */
export type ZstdSessionInput = { readonly input: Uint8Array } | { readonly end: true };
/**
 * worker -> main: the compressed pieces for one input message (and `done` after the end), with the input's buffer
 * handed back for reuse; or a failure.
 */
export type ZstdSessionReply =
  | { readonly output: Uint8Array[]; readonly done: boolean; readonly spare?: Uint8Array }
  | { readonly error: string };

const zstd = packageRequire("zstd-napi/binding") as ZstdBinding;
const SCRATCH_SIZE = Math.max(zstd.cStreamOutSize(), 1 << 20);
/**
 * Contexts of finished sessions, reused: a context's native memory (tens of MiB at high levels) is only freed when
 * its JS wrapper is garbage-collected, which a worker with a small JS heap may not do for a long time.
 */
const idleContexts: ZstdContext[] = [];
const IDLE_CONTEXTS_KEPT = 4;
/**
 * Output space for compressStream2, one per thread: the sessions a thread hosts take turns (each message is handled
 * whole, and its output copied out, before the next), so they can share it instead of faulting in one each.
 */
const scratch = new Uint8Array(SCRATCH_SIZE);

/** The first `produced` bytes of `scratch` in a buffer of their own, not zero-filled first (as slice() would). */
function copyOut(produced: number): Uint8Array {
  const piece = Buffer.allocUnsafeSlow(produced);
  piece.set(scratch.subarray(0, produced));
  return piece;
}

/** Runs one session; settles when its port closes (the stream ended, failed or was abandoned). */
export default function zstdSession({ port, level, nbWorkers }: ZstdSessionOpen): Promise<void> {
  const context = idleContexts.pop() ?? new zstd.CCtx();
  context.reset(zstd.ResetDirective.sessionAndParameters);
  context.setParameter(zstd.CParameter.compressionLevel, level);
  context.setParameter(zstd.CParameter.checksumFlag, 1);
  if (nbWorkers > 0) context.setParameter(zstd.CParameter.nbWorkers, nbWorkers);

  /** Runs compressStream2 until the input is consumed (and, at the end, the frame is complete). */
  function compress(input: Uint8Array, endOp: number): Uint8Array[] {
    const output: Uint8Array[] = [];
    let rest = input;
    for (;;) {
      const [remaining, produced, consumed] = context.compressStream2(scratch, rest, endOp);
      if (produced > 0) output.push(copyOut(produced));
      rest = rest.subarray(consumed);
      if (rest.byteLength === 0 && (endOp === zstd.EndDirective.continue || remaining === 0)) return output;
    }
  }

  port.on("message", (message: ZstdSessionInput) => {
    let reply: ZstdSessionReply;
    try {
      reply =
        "end" in message
          ? { output: compress(new Uint8Array(0), zstd.EndDirective.end), done: true }
          : { output: compress(message.input, zstd.EndDirective.continue), done: false, spare: message.input };
    } catch (error) {
      reply = { error: error instanceof Error ? error.message : String(error) };
    }
    const transfers = "output" in reply ? reply.output.map((piece) => piece.buffer as ArrayBuffer) : [];
    if ("spare" in reply && reply.spare !== undefined) transfers.push(reply.spare.buffer as ArrayBuffer);
    port.postMessage(reply, transfers);
    if (!("output" in reply) || reply.done) port.close();
  });
  return new Promise((resolve) => {
    port.on("close", () => {
      port.removeAllListeners("message");
      if (idleContexts.length < IDLE_CONTEXTS_KEPT) idleContexts.push(context);
      resolve();
    });
  });
}
