// Runs a Node.js Transform (zlib, zstd-napi, liblzma bindings) as an async-iterable byte transform with
// back-pressure both ways, done with each input piece before it pulls the next, and can report input the decoder
// left unconsumed (trailing data after the stream).

import type { Transform } from "node:stream";
import { CodecError } from "./codec-error.js";
import { DECODED_PIECE_BYTES } from "./output-limit.js";

/**
 * The output buffer size to give the native transforms (zlib's chunkSize, liblzma's chunkSize / bufsize): the
 * decoded-piece bound of output-limit.ts. Each buffer filled is one hop from the library's thread back to the
 * event loop before it works on; at their defaults
 * (8-64 KiB) a busy event loop left them idle most of the time: with the loop busy 2 ms in 3, gzip -6 of 132 MB
 * took 2.9-3.0 s at 16 KiB and 1.1-1.2 s at 1 MiB, gunzip 1.5-1.6 s and 0.24-0.26 s; `narwhal copy` of 40 paths
 * (74 MiB of NAR) to RGW with xz took 11.7-11.9 s at liblzma's 8 KiB and 9.1-9.6 s at 1 MiB.
 */
export const TRANSFORM_OUTPUT_CHUNK = DECODED_PIECE_BYTES;

export interface NodeTransformRun {
  /** Codec name used in error messages. */
  readonly codecName: string;
  /** When true, input the transform did not consume (its `bytesWritten` falls short) is trailing data. */
  readonly rejectUnconsumedInput?: boolean;
}

export async function* throughNodeTransform(
  source: AsyncIterable<Uint8Array>,
  transform: Transform & { bytesWritten?: number },
  run: NodeTransformRun,
): AsyncGenerator<Buffer> {
  let fedBytes = 0;
  let outputEnded = false;
  let leftoverAfterEnd = false;
  let wakeWriter: (() => void) | undefined;
  const wake = () => {
    const resume = wakeWriter;
    wakeWriter = undefined;
    resume?.();
  };
  transform.on("close", wake);

  // One piece at a time: the next is pulled only once the transform has consumed this one (its write callback), so
  // the source may reuse the piece's memory. The callback also waits while the output side is full (back-pressure).
  const pump = (async () => {
    for await (const piece of source) {
      if (piece.byteLength === 0) continue;
      if (outputEnded || transform.destroyed) {
        leftoverAfterEnd = true;
        return;
      }
      fedBytes += piece.byteLength;
      await new Promise<void>((resolve) => {
        wakeWriter = resolve;
        transform.write(piece, wake);
      });
    }
    if (!transform.destroyed && !outputEnded) transform.end();
  })();
  let pumpError: unknown;
  const pumpDone = pump.then(
    () => undefined,
    (error: unknown) => {
      pumpError = error;
      transform.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );

  try {
    for await (const chunk of transform) yield chunk as Buffer;
    outputEnded = true;
    wake();
    await pumpDone;
    if (pumpError !== undefined) throw pumpError;
    if (run.rejectUnconsumedInput) {
      const consumed = transform.bytesWritten ?? fedBytes;
      if (leftoverAfterEnd || consumed < fedBytes) {
        throw new CodecError(
          "TRAILING_DATA",
          `${run.codecName}: ${leftoverAfterEnd ? "more" : fedBytes - consumed} byte(s) of input follow the end of the compressed stream; a ${run.codecName} body must be exactly one complete stream`,
        );
      }
    }
  } finally {
    outputEnded = true;
    wake();
    if (!transform.destroyed) transform.destroy();
  }
}
