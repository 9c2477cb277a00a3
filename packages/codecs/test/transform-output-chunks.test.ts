// The native stream codecs hand back output in pieces of up to TRANSFORM_OUTPUT_CHUNK (1 MiB), not in their
// libraries' 8-64 KiB defaults: every piece is a hop from the library's thread to the event loop, and with small
// pieces a busy loop left the codec idle (see node-transform.ts for the measurements).

import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeCompressionPools, compressStream, decompressStream } from "../src/index.js";
import { piecesOf } from "./helpers.js";

afterAll(closeCompressionPools);

const STREAM_CODECS = [
  ["xz", "node-liblzma", 0],
  ["xz", "lzma-native", 0],
  ["gzip", "node:zlib", 1],
  ["br", "node:zlib", 1],
] as const;

async function pieceSizes(pieces: AsyncIterable<Uint8Array>): Promise<{ largest: number; total: Buffer }> {
  const all: Uint8Array[] = [];
  let largest = 0;
  for await (const piece of pieces) {
    all.push(Buffer.from(piece));
    largest = Math.max(largest, piece.byteLength);
  }
  return { largest, total: Buffer.concat(all) };
}

describe("output pieces of the native stream codecs", () => {
  // Random bytes do not compress, so 3 MiB in means about 3 MiB out, both ways.
  const data = randomBytes(3 << 20);

  for (const [name, backend, level] of STREAM_CODECS) {
    it(`${name} (${backend}) compresses and decompresses into pieces larger than 64 KiB`, async () => {
      const compressed = await pieceSizes(compressStream(name, piecesOf(data, 1 << 20), { backend, level }));
      expect(compressed.largest).toBeGreaterThan(64 * 1024);
      const restored = await pieceSizes(decompressStream(name, piecesOf(compressed.total, 1 << 20), { backend }));
      expect(restored.largest).toBeGreaterThan(64 * 1024);
      expect(restored.total.equals(data)).toBe(true);
    });
  }
});
