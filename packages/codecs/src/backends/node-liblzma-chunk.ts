// Worker-side xz chunk compressor for parallel mode: one complete .xz stream (CRC64) per chunk.
// Loaded by the Piscina chunk worker.

import { check, xzSync } from "node-liblzma";

export function compressChunk(chunk: Uint8Array, level: number): Buffer {
  return xzSync(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), { preset: level, check: check.CRC64 });
}
