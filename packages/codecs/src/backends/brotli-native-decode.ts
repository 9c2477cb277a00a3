// brotli decoding through @narwhal/brotli-native (libbrotlidec, the brotli CLI's library) when that optional addon
// is built: node:zlib's brotli took 1.3–1.6× the CLI's time on the same stream (the decoder bench in
// bench-results/consume-closure.md). Driven like zstd: each call fills at most the rest of one output piece, and
// the next happens only when the consumer pulls. One stream exactly, as Nix reads it: bytes after its end are an
// error, and so is input that ends first.

import type * as BrotliNative from "@narwhal/brotli-native";
import { CodecError } from "../codec-error.js";
import { emptyInputError, toDecodeError } from "../decode-errors.js";
import { PieceWriter } from "../output-limit.js";
import { optionalAddon } from "../native-modules.js";

/** The addon, or undefined when it is not installed or not built (node:zlib decodes then). */
export function brotliNative(): typeof BrotliNative | undefined {
  return optionalAddon<typeof BrotliNative>("@narwhal/brotli-native", "NARWHAL_BROTLI_NATIVE");
}

const NEEDS_INPUT = 0;
const STREAM_ENDED = 2;

export async function* decompressBrotliNative(
  native: typeof BrotliNative,
  source: AsyncIterable<Uint8Array>,
  reuseOutput = false,
): AsyncGenerator<Buffer> {
  const decoder = native.createDecoder();
  const out = new PieceWriter(reuseOutput);
  let ended = false;
  let sawInput = false;
  try {
    for await (const piece of source) {
      if (piece.byteLength === 0) continue;
      if (ended) throw trailing();
      sawInput = true;
      let input = piece;
      for (;;) {
        if (out.full) yield out.take();
        const [consumed, produced, state] = decode(native, decoder, input, out.space());
        out.wrote(produced);
        input = input.subarray(consumed);
        if (state === STREAM_ENDED) {
          ended = true;
          if (input.byteLength > 0) throw trailing();
          break;
        }
        if (state === NEEDS_INPUT) break; // all of this piece went in
        if (!out.full) throw new CodecError("CORRUPT_INPUT", "br: the decoder made no progress on its input");
      }
    }
  } finally {
    native.release(decoder);
  }
  if (!sawInput) throw emptyInputError("br");
  if (!ended) throw new CodecError("TRUNCATED_INPUT", "br: compressed input ends before its stream is complete");
  const rest = out.rest();
  if (rest) yield rest;
}

function decode(
  native: typeof BrotliNative,
  decoder: BrotliNative.BrotliDecoder,
  input: Uint8Array,
  output: Uint8Array,
): [number, number, BrotliNative.BrotliDecodeState] {
  try {
    return native.decode(decoder, input, output);
  } catch (error) {
    throw toDecodeError("br", error);
  }
}

function trailing(): CodecError {
  return new CodecError(
    "TRAILING_DATA",
    "br: byte(s) of input follow the end of the compressed stream; a br body must be exactly one complete stream",
  );
}
