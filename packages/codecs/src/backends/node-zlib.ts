// gzip and brotli through Node's built-in zlib: streaming members/streams. gzip decoding accepts concatenated
// members; brotli decoding treats any byte after the single stream as an error (Nix rejects concatenated brotli),
// and goes through libbrotlidec (backends/brotli-native-decode.ts) when the optional @narwhal/brotli-native is built.

import { constants, createBrotliCompress, createBrotliDecompress, createGunzip, createGzip } from "node:zlib";
import type { Codec } from "../codec.js";
import { brotliNative, decompressBrotliNative } from "./brotli-native-decode.js";
import { throughNodeTransform, TRANSFORM_OUTPUT_CHUNK } from "../node-transform.js";
import { compiledModuleUrl } from "../package-files.js";

export const zlibGzipCodec: Codec = {
  name: "gzip",
  backend: "node:zlib",
  extension: "",
  levels: { min: 0, max: 9, default: 6 },
  concatenable: true,
  nativeThreads: false,
  releasesInput: true, // throughNodeTransform waits until the transform has consumed each piece
  chunkWorkerModule: compiledModuleUrl("backends/node-zlib-chunk.js").href,
  compress:
    ({ level }) =>
    (source) =>
      throughNodeTransform(source, createGzip({ level, chunkSize: TRANSFORM_OUTPUT_CHUNK }), { codecName: "gzip" }),
  decompress: () => (source) =>
    throughNodeTransform(source, createGunzip({ chunkSize: TRANSFORM_OUTPUT_CHUNK }), {
      codecName: "gzip",
      rejectUnconsumedInput: true,
    }),
};

export const zlibBrotliCodec: Codec = {
  name: "br",
  backend: "node:zlib",
  extension: ".br",
  levels: { min: 0, max: 11, default: 11 },
  concatenable: false,
  nativeThreads: false,
  releasesInput: true, // throughNodeTransform waits until the transform has consumed each piece
  compress:
    ({ level }) =>
    (source) =>
      throughNodeTransform(
        source,
        createBrotliCompress({
          params: { [constants.BROTLI_PARAM_QUALITY]: level },
          chunkSize: TRANSFORM_OUTPUT_CHUNK,
        }),
        { codecName: "br" },
      ),
  decompress: (options) => (source) => {
    const native = brotliNative();
    if (native !== undefined) return decompressBrotliNative(native, source, options.reuseOutput);
    return throughNodeTransform(source, createBrotliDecompress({ chunkSize: TRANSFORM_OUTPUT_CHUNK }), {
      codecName: "br",
      rejectUnconsumedInput: true,
    });
  },
};
