// zstd through the `zstd-napi` binding (bundled libzstd): streaming frames, zstd's own worker threads for
// `threads > 1`, and whole-chunk frames with the exact content size for parallel chunked compression.

import { createRequire } from "node:module";
import { CompressStream, DecompressStream } from "zstd-napi";
import type { Codec } from "../codec.js";
import { throughNodeTransform } from "../node-transform.js";

const require = createRequire(import.meta.url);
const zstdBinding = require("zstd-napi/binding") as { minCLevel(): number; maxCLevel(): number };

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
      new CompressStream({ compressionLevel: level, checksumFlag: true, ...(threads > 1 ? { nbWorkers: threads } : {}) }),
      { codecName: "zstd" },
    ),
  decompress: () => (source) => throughNodeTransform(source, new DecompressStream(), { codecName: "zstd" }),
};
