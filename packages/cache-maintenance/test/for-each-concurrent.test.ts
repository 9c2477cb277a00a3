// The bounded loop verify, sign and gc run over a listing: never more than `jobs` at work, items pulled from a
// streaming listing only as slots free up (a bucket of millions of keys is never held as promises), the first
// failure thrown after the work in flight settled and no further items pulled.

import { describe, expect, it } from "vitest";
import { forEachConcurrent } from "../src/narinfo-scan.js";

async function* listing(count: number, pulled: { count: number }): AsyncGenerator<number> {
  for (let index = 0; index < count; index++) {
    pulled.count++;
    yield index;
  }
}

describe("forEachConcurrent", () => {
  it("keeps at most jobs at work and pulls a streaming listing only a little ahead of them", async () => {
    const pulled = { count: 0 };
    let active = 0;
    let maxActive = 0;
    let finished = 0;
    let maxAhead = 0;
    const seen: number[] = [];
    await forEachConcurrent(listing(5000, pulled), 8, async (item) => {
      active++;
      maxActive = Math.max(maxActive, active);
      maxAhead = Math.max(maxAhead, pulled.count - finished);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(item);
      active--;
      finished++;
    });
    expect(seen.length).toBe(5000);
    expect(new Set(seen).size).toBe(5000);
    expect(maxActive).toBe(8);
    expect(maxAhead).toBeLessThanOrEqual(2 * 8 + 1);
  });

  it("throws the first failure once the work in flight settled, and stops pulling", async () => {
    const pulled = { count: 0 };
    let started = 0;
    let settled = 0;
    const failing = forEachConcurrent(listing(100_000, pulled), 4, async (item) => {
      started++;
      await new Promise((resolve) => setImmediate(resolve));
      settled++;
      if (item === 10) throw new Error("item 10 is broken");
    });
    await expect(failing).rejects.toThrow("item 10 is broken");
    expect(pulled.count).toBeLessThan(40);
    expect(settled).toBe(started); // nothing left running behind the rejection
  });

  it("works on arrays and on no items", async () => {
    const doubled: number[] = [];
    await forEachConcurrent([1, 2, 3], 2, async (item) => {
      doubled.push(item * 2);
    });
    expect(doubled.sort()).toEqual([2, 4, 6]);
    await forEachConcurrent([], 3, async () => {
      throw new Error("never called");
    });
  });
});
