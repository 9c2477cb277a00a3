// Worker-side gzip chunk compressor for parallel mode: one complete gzip member per chunk.
// Loaded by the Piscina chunk worker.

import { gzipSync } from "node:zlib";

export function compressChunk(chunk: Uint8Array, level: number): Buffer {
  return gzipSync(chunk, { level });
}
