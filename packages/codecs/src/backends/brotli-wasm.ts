// brotli through `brotli-wasm` (the design's original choice), kept as an alternative backend the benchmark
// compares with node:zlib. Streaming through its CompressStream/DecompressStream; trailing data is an error.

import type { Codec } from "../codec.js";
import { CodecError } from "../codec-error.js";
import { packageRequire as require } from "../package-files.js";

interface StreamResult {
  buf: Uint8Array;
  code: number;
  input_offset: number;
  free(): void;
}
interface BrotliWasm {
  CompressStream: new (
    quality?: number,
  ) => {
    compress(input: Uint8Array | undefined, outputSize: number): StreamResult;
    free(): void;
  };
  DecompressStream: new () => { decompress(input: Uint8Array, outputSize: number): StreamResult; free(): void };
  BrotliStreamResultCode: { ResultSuccess: number; NeedsMoreInput: number; NeedsMoreOutput: number };
}

let loaded: BrotliWasm | undefined;
const brotliWasm = (): BrotliWasm => (loaded ??= require("brotli-wasm") as BrotliWasm);
const OUTPUT_STEP = 256 * 1024;

async function* compressBrotli(source: AsyncIterable<Uint8Array>, quality: number): AsyncGenerator<Buffer> {
  const lib = brotliWasm();
  const encoder = new lib.CompressStream(quality);
  try {
    for await (const piece of source) {
      let offset = 0;
      while (offset < piece.byteLength) {
        const result = encoder.compress(piece.subarray(offset), OUTPUT_STEP);
        offset += result.input_offset;
        if (result.buf.length > 0) yield Buffer.from(result.buf);
        result.free();
      }
    }
    for (;;) {
      const result = encoder.compress(undefined, OUTPUT_STEP);
      const done = result.code === lib.BrotliStreamResultCode.ResultSuccess;
      if (result.buf.length > 0) yield Buffer.from(result.buf);
      result.free();
      if (done) break;
    }
  } finally {
    encoder.free();
  }
}

const trailingData = () =>
  new CodecError(
    "TRAILING_DATA",
    "br: bytes follow the end of the brotli stream; a br body must be exactly one stream",
  );

async function* decompressBrotli(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const lib = brotliWasm();
  const decoder = new lib.DecompressStream();
  let finished = false;
  try {
    for await (const piece of source) {
      if (piece.byteLength === 0) continue;
      if (finished) throw trailingData();
      let offset = 0;
      let code: number;
      do {
        let result: StreamResult;
        try {
          result = decoder.decompress(piece.subarray(offset), OUTPUT_STEP);
        } catch (error) {
          throw new CodecError("CORRUPT_INPUT", `br: compressed input is not valid brotli data (${String(error)})`);
        }
        offset += result.input_offset;
        code = result.code;
        if (result.buf.length > 0) yield Buffer.from(result.buf);
        result.free();
        finished = code === lib.BrotliStreamResultCode.ResultSuccess;
      } while (code === lib.BrotliStreamResultCode.NeedsMoreOutput || (!finished && offset < piece.byteLength));
      if (finished && offset < piece.byteLength) throw trailingData();
    }
    if (!finished)
      throw new CodecError("TRUNCATED_INPUT", "br: compressed input ends before the brotli stream is complete");
  } finally {
    decoder.free();
  }
}

export const brotliWasmCodec: Codec = {
  name: "br",
  backend: "brotli-wasm",
  extension: ".br",
  levels: { min: 0, max: 11, default: 11 },
  concatenable: false,
  nativeThreads: false,
  releasesInput: true, // each piece is copied into the encoder's memory before the next is pulled
  compress:
    ({ level }) =>
    (source) =>
      compressBrotli(source, level),
  decompress: () => (source) => decompressBrotli(source),
};
