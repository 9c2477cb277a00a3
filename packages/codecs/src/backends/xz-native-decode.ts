// xz decoding through @narwhal/xz-native (the system's liblzma, the xz CLI's library, called directly) when that
// optional addon is built. node-liblzma's coder took 1.10–1.25× the CLI's time on the same stream (one lzma_code
// call per piece, on libuv's pool); the addon's calls are synchronous. On the main thread it uses liblzma's
// threaded decoder, which decodes the blocks of a stream written by `xz -T` or Nix's parallel compression side by
// side; worker threads (a pool already decoding one NAR per core) decode on their own thread. Driven like brotli:
// each call fills at most the rest of one output piece, and the next happens only when the consumer pulls.

import { availableParallelism } from "node:os";
import { isMainThread } from "node:worker_threads";
import type * as XzNative from "@narwhal/xz-native";
import { CodecError } from "../codec-error.js";
import { toDecodeError } from "../decode-errors.js";
import { optionalAddon } from "../native-modules.js";
import { PieceWriter } from "../output-limit.js";

/**
 * At most this much memory for the threaded decoder's block buffers, which it fills ahead of the consumer; a stream
 * whose blocks need more decodes on the calling thread. Two threads on `xz -6 -T2` blocks (24 MiB each) fit in
 * 96 MiB, not in 64 (a 64 MiB input decoded in 1.35 s with 96, 2.36 s with 64, as with one thread).
 */
export const XZ_THREADED_DECODE_MEMORY = 96 * 1024 * 1024;

/** The addon, or undefined when it is not installed or not built (node-liblzma decodes then). */
export function xzNative(): typeof XzNative | undefined {
  return optionalAddon<typeof XzNative>("@narwhal/xz-native", "NARWHAL_XZ_NATIVE");
}

/** Decoder threads: liblzma's threads on the main thread (up to 2), none of its own in a worker thread. */
export function xzDecodeThreads(): number {
  return isMainThread ? Math.min(availableParallelism(), 2) : 1;
}

const STREAM_ENDED = 2;
const NO_INPUT = new Uint8Array(0);

/** Decodes xz (concatenated streams and stream padding accepted, as `xz -d` does). */
export async function* decompressXzNative(
  native: typeof XzNative,
  source: AsyncIterable<Uint8Array>,
  threads = xzDecodeThreads(),
  reuseOutput = false,
): AsyncGenerator<Buffer> {
  const decoder = call(() => native.createDecoder(threads, XZ_THREADED_DECODE_MEMORY));
  const out = new PieceWriter(reuseOutput);
  try {
    for await (const piece of source) {
      let input = piece;
      while (input.byteLength > 0) {
        if (out.full) yield out.take();
        const [consumed, produced] = call(() => native.decode(decoder, input, out.space(), false));
        out.wrote(produced);
        input = input.subarray(consumed);
      }
    }
    // liblzma answers LZMA_BUF_ERROR (truncated) to the second call in a row that makes no progress.
    for (let idle = 0; ; ) {
      if (out.full) yield out.take();
      const [, produced, state] = call(() => native.decode(decoder, NO_INPUT, out.space(), true));
      out.wrote(produced);
      if (state === STREAM_ENDED) break;
      idle = produced === 0 ? idle + 1 : 0;
      if (idle > 2) throw truncated();
    }
  } finally {
    native.release(decoder);
  }
  const rest = out.rest();
  if (rest) yield rest;
}

function call<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw toDecodeError("xz", error); // the addon's LZMA_BUF_ERROR says "truncated": TRUNCATED_INPUT
  }
}

function truncated(): CodecError {
  return new CodecError("TRUNCATED_INPUT", "xz: compressed input ends before its stream is complete");
}
