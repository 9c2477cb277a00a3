// Compression slots: at most one encoder thread per slot at a time, granted in request order, given back when a
// stream ends, fails or is abandoned; codecs that bound their own threads (zstd's pool, none) take none; the
// environment can set how many there are.
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { CompressionSlots, compressStream, compressionSlots, decompressStream } from "../src/index.js";
import { collect, piecesOf, sampleBytes } from "./helpers.js";

/** Collects `source`, calling `onPiece` at each piece (to look at the slots while streams run). */
async function collectWatching(source: AsyncIterable<Buffer>, onPiece: () => void): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) {
    onPiece();
    parts.push(part);
  }
  return Buffer.concat(parts);
}

const sample = (seed: number) => sampleBytes(1_500_000, seed);

describe("CompressionSlots", () => {
  it("grants up to its capacity at once, in request order, and each release only once", async () => {
    const slots = new CompressionSlots(2);
    const order: string[] = [];
    const first = await slots.acquire(1);
    const second = await slots.acquire(1);
    expect(slots.inUse).toBe(2);
    const wide = slots.acquire(2).then((release) => (order.push("wide"), release));
    const narrow = slots.acquire(1).then((release) => (order.push("narrow"), release));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    first();
    first(); // a second call gives nothing back
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]); // one slot free, but the two-slot request came first
    second();
    const releaseWide = await wide;
    expect(order).toEqual(["wide"]);
    expect(slots.inUse).toBe(2);
    releaseWide();
    (await narrow)();
    expect(order).toEqual(["wide", "narrow"]);
    expect(slots.inUse).toBe(0);
  });

  it("caps a request at its capacity and refuses a capacity that is not a positive integer", async () => {
    const slots = new CompressionSlots(2);
    const release = await slots.acquire(8);
    expect(slots.inUse).toBe(2);
    release();
    expect(() => new CompressionSlots(0)).toThrow(RangeError);
    expect(() => slots.resize(1.5)).toThrow(/positive integer/);
  });
});

describe("compressStream with compression slots", () => {
  const saved = compressionSlots.capacity;
  afterEach(() => compressionSlots.resize(saved));

  it("runs at most `capacity` xz encoders at once, and every output decodes", async () => {
    compressionSlots.resize(2);
    let most = 0;
    const inputs = [0, 1, 2, 3, 4].map(sample);
    const outputs = await Promise.all(
      inputs.map((input) =>
        collectWatching(
          compressStream("xz", piecesOf(input), { level: 1 }),
          () => (most = Math.max(most, compressionSlots.inUse)),
        ),
      ),
    );
    expect(most).toBe(2);
    expect(compressionSlots.inUse).toBe(0);
    for (const [index, output] of outputs.entries())
      expect((await collect(decompressStream("xz", piecesOf(output)))).equals(inputs[index]!)).toBe(true);
  });

  it("gives the slots back when a stream is abandoned or its input fails", async () => {
    compressionSlots.resize(1);
    for await (const _ of compressStream("xz", piecesOf(sample(9)), { level: 1 })) break;
    expect(compressionSlots.inUse).toBe(0);
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from("some bytes");
      throw new Error("source failed");
    }
    await expect(collect(compressStream("xz", failing()))).rejects.toThrow("source failed");
    expect(compressionSlots.inUse).toBe(0);
    // With the one slot free again, a new stream is not left waiting.
    expect(await collect(compressStream("xz", piecesOf(Buffer.from("after"))))).toBeInstanceOf(Buffer);
  });

  it("takes no slots for zstd (its own worker pool) or none", async () => {
    compressionSlots.resize(1);
    let most = 0;
    await collectWatching(
      compressStream("zstd", piecesOf(sample(5)), { parallel: true, sizeHint: 1 << 30 }),
      () => (most = Math.max(most, compressionSlots.inUse)),
    );
    await collectWatching(
      compressStream("none", piecesOf(sample(6))),
      () => (most = Math.max(most, compressionSlots.inUse)),
    );
    expect(most).toBe(0);
  });
});

describe("NARWHAL_COMPRESSION_SLOTS", () => {
  const slotsWith = (value: string) =>
    spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { compressionSlots } from "@narwhal/codecs"; console.log(compressionSlots.capacity);',
      ],
      {
        env: { ...process.env, NARWHAL_COMPRESSION_SLOTS: value },
        encoding: "utf8",
      },
    );

  it("sets the number of slots, and a value that is not a positive integer is refused by name", () => {
    expect(slotsWith("3").stdout.trim()).toBe("3");
    const refused = slotsWith("two");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('NARWHAL_COMPRESSION_SLOTS must be a positive integer, got "two"');
  });
});
