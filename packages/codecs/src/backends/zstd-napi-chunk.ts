// Worker-side zstd chunk compressor for parallel mode: one independent frame per chunk, content size in the
// frame header (like Nix 2.35's 16 MiB frames). Loaded by the Piscina chunk worker.

import { Compressor } from "zstd-napi";

export function compressChunk(chunk: Uint8Array, level: number): Buffer {
  const compressor = new Compressor();
  compressor.setParameters({ compressionLevel: level, checksumFlag: true });
  return compressor.compress(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
}
