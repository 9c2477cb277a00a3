// The shared-memory ring that carries a dump worker's bytes: records come out in order and intact across
// wrap-arounds, markers and error records keep their place, and released space is reused.
import { describe, expect, it } from "vitest";
import { RingReader, RingWriter, createRingBuffer } from "../src/byte-ring.js";

describe("byte ring", () => {
  it("carries data, markers and errors in order across many wrap-arounds", () => {
    const shared = createRingBuffer(4096);
    const writer = new RingWriter(shared);
    const reader = new RingReader(shared);
    let seed = 7;
    const random = (limit: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % limit;
    for (let round = 0; round < 2000; round++) {
      const kind = random(10);
      if (kind === 0) writer.done();
      else if (kind === 1) writer.error(`failure ${round}`);
      else {
        const length = 1 + random(1500);
        const space = writer.space(1, length);
        space.fill(round % 256, 0, space.length);
        writer.commit(space.length);
        const record = reader.next()!;
        expect(record.kind).toBe("data");
        if (record.kind === "data") {
          expect(record.bytes.length).toBe(space.length);
          expect(record.bytes.every((byte) => byte === round % 256)).toBe(true);
        }
        reader.release();
        continue;
      }
      const record = reader.next()!;
      expect(record.kind).toBe(kind === 0 ? "done" : "error");
      if (record.kind === "error") expect(record.payload).toBe(`failure ${round}`);
      reader.release();
    }
    expect(reader.next()).toBeUndefined();
  });

  it("hands out no more space than is free", () => {
    const shared = createRingBuffer(1024);
    const writer = new RingWriter(shared);
    const first = writer.space(1, 10_000);
    expect(first.length).toBe(1024 - 4);
    writer.commit(100);
    expect(writer.space(1, 10_000).length).toBe(1024 - 104 - 4);
  });

  it("refuses a capacity that is not a power of two", () => {
    expect(() => createRingBuffer(3000)).toThrow(/power of two/);
  });
});
