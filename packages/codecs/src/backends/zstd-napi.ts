// zstd through the `zstd-napi` binding (bundled libzstd): streaming frames compressed on zstd's own worker threads
// (one even for a single stream, so the event loop stays free), and whole-buffer frames with the exact content size.

import { createRequire } from "node:module";
import { CompressStream, Compressor, DecompressStream } from "zstd-napi";
import type { Codec } from "../codec.js";
import { throughNodeTransform } from "../node-transform.js";

const require = createRequire(import.meta.url);
const zstdBinding = require("zstd-napi/binding") as { minCLevel(): number; maxCLevel(): number };

// One reusable context for whole-buffer frames: ZSTD_compress2 resets it per call and sizes it to the input.
let wholeBufferCompressor: Compressor | undefined;

export const zstdNapiCodec: Codec = {
  name: "zstd",
  backend: "zstd-napi",
  extension: ".zst",
  levels: { min: zstdBinding.minCLevel(), max: 22, default: 3 },
  concatenable: true,
  nativeThreads: true,
  chunkWorkerModule: new URL("./zstd-napi-chunk.js", import.meta.url).href,
  compress: ({ level, threads }) => (source) =>
    throughNodeTransform(
      source,
      // nbWorkers >= 1 moves compression off the calling thread (a single stream still uses one compressor
      // thread): CompressStream's nbWorkers=0 mode compresses synchronously inside the event loop.
      new CompressStream({ compressionLevel: level, checksumFlag: true, nbWorkers: Math.max(1, threads) }),
      { codecName: "zstd" },
    ),
  compressWhole: (body, level) => {
    wholeBufferCompressor ??= new Compressor();
    wholeBufferCompressor.setParameters({ compressionLevel: level, checksumFlag: true });
    return wholeBufferCompressor.compress(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  },
  decompress: () => (source) => throughNodeTransform(source, new DecompressStream(), { codecName: "zstd" }),
};
