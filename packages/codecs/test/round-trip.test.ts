// Round trips through every built-in codec and backend, for level samples, parallel on and off, and the
// sizes that stress chunking: 0 bytes, one byte, exactly one chunk, one chunk plus one, several chunks.

import { afterAll, describe, expect, it } from "vitest";
import { closeCompressionPools, compressStream, decompressStream, listCodecs } from "../src/index.js";
import { collect, piecesOf, sampleBytes } from "./helpers.js";

const CHUNK = 64 * 1024;
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17];

const LEVEL_SAMPLES: Record<string, number[]> = {
  zstd: [-5, -1, 1, 3, 19],
  xz: [0, 6, 9],
  gzip: [0, 1, 6, 9],
  bzip2: [1, 9],
  br: [0, 5, 11],
  none: [-1],
};

afterAll(closeCompressionPools);

async function roundTrip(name: string, backend: string, data: Buffer, options: object): Promise<Buffer> {
  const compressed = await collect(compressStream(name, piecesOf(data, 10_000), { backend, ...options }));
  const restored = await collect(decompressStream(name, piecesOf(compressed, 4_096), { backend }));
  const restoredWhole = await collect(decompressStream(name, piecesOf(compressed, 1 << 30), { backend }));
  expect(restoredWhole.equals(restored)).toBe(true);
  return restored;
}

for (const method of listCodecs()) {
  for (const codec of method.backends) {
    describe(`${codec.name} via ${codec.backend}`, () => {
      for (const level of LEVEL_SAMPLES[codec.name] ?? [-1]) {
        const sizes = level >= 10 && codec.name === "br" ? [0, 1, CHUNK + 1] : SIZES;
        it(`restores every chunk-boundary size at level ${level}, single stream`, async () => {
          for (const size of sizes) {
            const data = sampleBytes(size, size + 7);
            expect((await roundTrip(codec.name, codec.backend, data, { level })).equals(data)).toBe(true);
          }
        });
      }
      it("restores input larger than any decoder output step, fed as one piece", async () => {
        const data = sampleBytes(1_500_000, 77);
        const level = codec.name === "br" ? 4 : codec.name === "xz" ? 1 : -1;
        expect((await roundTrip(codec.name, codec.backend, data, { level })).equals(data)).toBe(true);
      });
      if (codec.concatenable) {
        for (const strategy of ["chunks", ...(codec.nativeThreads ? ["native"] : [])]) {
          it(`restores every chunk-boundary size with parallel compression (${strategy})`, async () => {
            for (const size of SIZES) {
              const data = sampleBytes(size, size + 3);
              const options = {
                parallel: true,
                strategy,
                threads: 2,
                chunkSize: CHUNK,
                level: codec.levels.min === 0 && codec.name === "xz" ? 1 : -1,
              };
              expect((await roundTrip(codec.name, codec.backend, data, options)).equals(data)).toBe(true);
            }
          });
        }
      }
    });
  }
}

describe("parallel chunking", () => {
  it("emits one independent piece per chunk, in input order", async () => {
    const data = sampleBytes(5 * CHUNK + 100, 99);
    const pieces: Buffer[] = [];
    for await (const piece of compressStream("gzip", piecesOf(data), {
      parallel: true,
      strategy: "chunks",
      chunkSize: CHUNK,
      threads: 2,
    })) {
      pieces.push(piece);
    }
    expect(pieces).toHaveLength(6);
    for (const [index, piece] of pieces.entries()) {
      const restored = await collect(decompressStream("gzip", piecesOf(piece)));
      expect(restored.equals(data.subarray(index * CHUNK, (index + 1) * CHUNK))).toBe(true);
    }
  });

  it("differs from single-stream output for multi-chunk input (really chunked)", async () => {
    const data = sampleBytes(3 * CHUNK, 5);
    const single = await collect(compressStream("zstd", piecesOf(data)));
    const chunked = await collect(
      compressStream("zstd", piecesOf(data), { parallel: true, strategy: "chunks", chunkSize: CHUNK, threads: 2 }),
    );
    expect(chunked.equals(single)).toBe(false);
    expect((await collect(decompressStream("zstd", piecesOf(chunked)))).equals(data)).toBe(true);
  });
});
