import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assembleParts,
  BodyReadFailure,
  PartBufferPool,
  type AssembledPart,
  type PartSizes,
} from "../src/part-assembler.js";
import { partSizeAt } from "../src/part-size.js";

async function partsOf(
  body: Uint8Array | AsyncIterable<Uint8Array>,
  partSize: number | PartSizes,
): Promise<AssembledPart[]> {
  const pool = new PartBufferPool(0);
  const parts: AssembledPart[] = [];
  const sizes = typeof partSize === "number" ? () => partSize : partSize;
  for await (const part of assembleParts(body, sizes, pool)) parts.push({ ...part, bytes: Buffer.from(part.bytes) });
  return parts;
}

async function* pieces(data: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < data.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    yield data.subarray(offset, offset + size);
    offset += size;
  }
  yield new Uint8Array(0); // a trailing empty piece must not make an extra part
}

describe("part assembly", () => {
  it("cuts any piece pattern into full parts plus a shorter last one, bytes unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 5 }),
        async (length, partSize, sizes) => {
          const data = randomBytes(length);
          const parts = await partsOf(pieces(data, sizes.some((size) => size > 0) ? sizes : [1]), partSize);
          expect(Buffer.concat(parts.map((part) => part.bytes)).equals(data)).toBe(true);
          expect(parts.length).toBe(Math.ceil(length / partSize));
          expect(parts.slice(0, -1).every((part) => part.bytes.length === partSize && !part.last)).toBe(true);
          expect(parts.at(-1)!.last).toBe(true);
          const views = await partsOf(data, partSize);
          expect(views.map((part) => part.bytes.toString("hex"))).toEqual(
            parts.map((part) => part.bytes.toString("hex")),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("follows a growing schedule: part n has the size the schedule gives, streamed or in memory", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (length, base, uniformParts, growthStep) => {
          const schedule = { uniformParts, growthStep, maxParts: 1000 };
          const sizes = (partNumber: number) => partSizeAt(base, partNumber, schedule);
          const data = randomBytes(length);
          for (const parts of [await partsOf(pieces(data, [7, 100]), sizes), await partsOf(data, sizes)]) {
            expect(Buffer.concat(parts.map((part) => part.bytes)).equals(data)).toBe(true);
            expect(parts.slice(0, -1).map((part) => part.bytes.length)).toEqual(
              parts.slice(0, -1).map((_, index) => sizes(index + 1)),
            );
            expect(parts.at(-1)!.bytes.length).toBeLessThanOrEqual(sizes(parts.length));
            expect(parts.map((part) => part.last)).toEqual(parts.map((_, index) => index === parts.length - 1));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("gives a body of exactly one part as a single last part, and an empty body as one empty last part", async () => {
    const data = randomBytes(64);
    const exact = await partsOf(pieces(data, [10]), 64);
    expect(exact).toHaveLength(1);
    expect(exact[0]!.last).toBe(true);
    const empty = await partsOf(pieces(Buffer.alloc(0), [1]), 64);
    expect(empty.map((part) => [part.bytes.length, part.last])).toEqual([[0, true]]);
  });

  it("reports a throwing body as BodyReadFailure carrying the cause", async () => {
    async function* breaks(): AsyncGenerator<Uint8Array> {
      yield randomBytes(100);
      throw new Error("disk went away");
    }
    const error = await partsOf(breaks(), 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyReadFailure);
    expect((error as Error).message).toBe("disk went away");
    expect(((error as Error).cause as Error).message).toBe("disk went away");
  });

  it("reuses released buffers and keeps at most the configured number", () => {
    const pool = new PartBufferPool(1);
    const a = pool.take(16);
    const b = pool.take(16);
    pool.release(a);
    pool.release(b);
    expect(pool.take(16)).toBe(a);
    expect(pool.take(16)).not.toBe(b);
  });

  it("keeps buffers of the last size asked for only, so a grown part never reuses a smaller buffer", () => {
    const pool = new PartBufferPool(4);
    const small = pool.take(16);
    pool.release(small);
    const large = pool.take(32);
    expect(large.length).toBe(32);
    pool.release(small); // a buffer of the old size is not kept
    pool.release(large);
    expect(pool.take(32)).toBe(large);
    expect(pool.take(32)).not.toBe(small);
  });
});
