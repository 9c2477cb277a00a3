// The `none` method: NARs stored uncompressed. Compression and decompression pass bytes through unchanged.

import type { Codec } from "../codec.js";

async function* passthrough(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const piece of source) {
    if (piece.byteLength > 0) yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  }
}

export const noneCodec: Codec = {
  name: "none",
  backend: "passthrough",
  extension: "",
  levels: { min: 0, max: 0, default: 0 },
  concatenable: true,
  nativeThreads: false,
  boundsOwnThreads: true,
  compress: () => passthrough,
  decompress: () => passthrough,
  compressChunk: async (chunk) => Buffer.from(chunk),
};
