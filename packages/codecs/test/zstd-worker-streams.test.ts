// zstd streams compressed on the worker threads: many at once, inputs left intact, failures and early stops
// propagated without wedging the workers, and sizeHint (one thread for small inputs) never changing the bytes' meaning.

import { afterAll, describe, expect, it } from "vitest";
import { closeCompressionPools, compressStream, decompressStream } from "../src/index.js";
import { collect, piecesOf, sampleBytes } from "./helpers.js";

afterAll(closeCompressionPools);

const MiB = 1024 * 1024;

async function restore(compressed: Buffer): Promise<Buffer> {
  return collect(decompressStream("zstd", piecesOf(compressed, 100_000)));
}

describe("zstd streams on worker threads", () => {
  it("compresses more streams than cores at once, each restoring to its own input", async () => {
    const inputs = Array.from({ length: 7 }, (_, i) => sampleBytes(2 * MiB + 333 * i + 1, i + 3));
    const compressed = await Promise.all(
      inputs.map((input, i) =>
        collect(compressStream("zstd", piecesOf(input, 70_001 + i), { parallel: i % 2 === 0, level: 1 + i })),
      ),
    );
    for (const [i, input] of inputs.entries()) expect((await restore(compressed[i]!)).equals(input)).toBe(true);
  });

  it("leaves the caller's input buffers readable and unchanged", async () => {
    const input = sampleBytes(3 * MiB + 5, 11);
    const copy = Buffer.from(input);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < input.length; offset += MiB) chunks.push(input.subarray(offset, offset + MiB));
    const source = (async function* () {
      yield* chunks;
    })();
    const compressed = await collect(compressStream("zstd", source));
    expect(input.byteLength).toBe(copy.byteLength);
    expect(input.equals(copy)).toBe(true);
    expect((await restore(compressed)).equals(input)).toBe(true);
  });

  it("fails with the source's error, and the workers still serve the next stream", async () => {
    const failing = (async function* () {
      yield sampleBytes(MiB + MiB / 2, 5);
      throw new Error("disk went away at 1.5 MiB");
    })();
    await expect(collect(compressStream("zstd", failing))).rejects.toThrow("disk went away at 1.5 MiB");
    const input = sampleBytes(MiB + 1, 6);
    expect((await restore(await collect(compressStream("zstd", piecesOf(input))))).equals(input)).toBe(true);
  });

  it("lets a consumer stop early without wedging the workers", async () => {
    let pulled = 0;
    const endless = (async function* () {
      for (;;) {
        pulled += 1;
        yield sampleBytes(256 * 1024, pulled);
      }
    })();
    for await (const piece of compressStream("zstd", endless)) {
      expect(piece.byteLength).toBeGreaterThan(0);
      break;
    }
    expect(pulled).toBeLessThan(64); // bounded read-ahead, not the whole endless source
    const input = sampleBytes(3 * MiB, 8);
    expect(
      (await restore(await collect(compressStream("zstd", piecesOf(input), { parallel: true })))).equals(input),
    ).toBe(true);
  });

  it("an empty input is one valid empty frame", async () => {
    const compressed = await collect(compressStream("zstd", piecesOf(Buffer.alloc(0))));
    expect(compressed.byteLength).toBeGreaterThan(0);
    expect((await restore(compressed)).byteLength).toBe(0);
  });
});

describe("sizeHint", () => {
  for (const codec of ["zstd", "xz"]) {
    it(`${codec}: a small or wrong hint still gives a stream that restores the input`, async () => {
      const input = sampleBytes(MiB + 17, 9);
      for (const sizeHint of [input.length, 10, 64 * MiB]) {
        const compressed = await collect(
          compressStream(codec, piecesOf(input), { parallel: true, sizeHint, level: 1 }),
        );
        const restored = await collect(decompressStream(codec, piecesOf(compressed)));
        expect(restored.equals(input)).toBe(true);
      }
    });
  }
});
