// decompressStream's reuseOutput: each piece is written into the memory of the one before, once the consumer has
// asked for the next. A consumer that copies what it keeps gets the same bytes as without it, and the pieces of the
// decoders that honour it share one buffer (so the option does what it says); without it, no two pieces do.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compressBuffer, decompressStream } from "../src/index.js";
import { piecesOf } from "./helpers.js";

// Real bytes (the running Node binary and a text file), 3.5 MiB decoded: several full pieces and a short last one.
const body = Buffer.concat([readFileSync(process.execPath).subarray(0, 3_400_000), readFileSync("/etc/services")]);

/** Decodes, copying each piece as it arrives (the lease a reusing decoder asks for); notes each piece's memory. */
async function decodeCopying(codec: string, compressed: Buffer, reuseOutput: boolean) {
  const copies: Buffer[] = [];
  const memory: ArrayBufferLike[] = [];
  for await (const piece of decompressStream(codec, piecesOf(compressed, 100_000), { reuseOutput })) {
    copies.push(Buffer.from(piece));
    memory.push(piece.buffer);
  }
  return { bytes: Buffer.concat(copies), memory, distinct: new Set(memory).size };
}

describe.each(["zstd", "xz", "br"])("reuseOutput with %s", (codec) => {
  it("decodes the same bytes as without it, into one reused piece of memory", async () => {
    const compressed = await compressBuffer(codec, body, { level: 1 });
    const reused = await decodeCopying(codec, compressed, true);
    expect(reused.bytes.equals(body)).toBe(true);
    const full = reused.memory.slice(0, -1); // the last, short piece is a copy of its own
    expect(full.length).toBeGreaterThanOrEqual(3);
    expect(new Set(full).size).toBe(1);

    const fresh = await decodeCopying(codec, compressed, false);
    expect(fresh.bytes.equals(body)).toBe(true);
    expect(fresh.distinct).toBe(fresh.memory.length);
  });

  it("shows a consumer that keeps pieces without copying them what the lease means: they change", async () => {
    const compressed = await compressBuffer(codec, body, { level: 1 });
    const kept: Buffer[] = [];
    for await (const piece of decompressStream(codec, piecesOf(compressed, 100_000), { reuseOutput: true }))
      kept.push(piece);
    expect(Buffer.concat(kept).equals(body)).toBe(false);
  });
});
