// The block-parallel bzip2 decoder: cutting real bzip2 files (from the bzip2 CLI) into blocks, the sequential decoder
// taking over where a native block decode fails (a mis-cut, a corrupt block, a block that expands too far), each
// stream's combined CRC, and the patched node-bzip2 refusing what the original looped on.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Bzip2BlockSplitter, type Bzip2Unit } from "../src/backends/bzip2-blocks.js";
import { decodeBzip2Blocks, NATIVE_BLOCK_OUTPUT_BYTES } from "../src/backends/bzip2-block-decode.js";
import { CodecError } from "../src/codec-error.js";
import { decompressStream } from "../src/index.js";
import { packageRequire } from "../src/package-files.js";
import { codeOf, collect, piecesOf, requireTool, runCli } from "./helpers.js";

interface NodeBzip2 {
  decompressAsync(data: Uint8Array, options?: { maxOutput?: number }): Promise<Buffer>;
}
const nodeBzip2 = packageRequire("node-bzip2") as NodeBzip2;
const hasBzip2 = requireTool("bzip2");

/** About `size` bytes of real files from /usr/bin and /usr/lib (binaries, libraries). */
function realFiles(size: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const dir of ["/usr/bin", "/usr/lib/x86_64-linux-gnu"]) {
    for (const name of readdirSync(dir).sort()) {
      if (total >= size) break;
      const path = join(dir, name);
      try {
        if (!statSync(path).isFile()) continue;
        const bytes = readFileSync(path);
        parts.push(bytes);
        total += bytes.length;
      } catch {}
    }
  }
  return Buffer.concat(parts).subarray(0, size);
}

const data = realFiles(1_500_000);
/** Level 1: 100k blocks, so 1.5 MB of input makes many blocks. */
const bz1 = hasBzip2 ? runCli("bzip2", ["-1", "-c"], data) : Buffer.alloc(0);

function unitsOf(input: Uint8Array, pieceSize: number): Bzip2Unit[] {
  const splitter = new Bzip2BlockSplitter();
  const units: Bzip2Unit[] = [];
  let offset = 0;
  for (;;) {
    const unit = splitter.next();
    if (unit === "done") return units;
    if (unit === "more") {
      if (offset >= input.length) splitter.end();
      else splitter.push(input.subarray(offset, (offset += pieceSize)));
      continue;
    }
    units.push(unit);
  }
}

const native = {
  decodeWholeBlock: (stream: Uint8Array, maxOutputBytes: number) =>
    nodeBzip2.decompressAsync(stream, { maxOutput: maxOutputBytes }),
  isOutputLimitError: (error: unknown) => error instanceof Error && error.message === "BZ_OUTBUFF_FULL",
  blocksInFlight: 2,
};

describe.runIf(hasBzip2)("cutting bzip2 input into blocks", () => {
  it("the units partition the input, one per block, whatever the piece size", () => {
    const blocks = Math.ceil(data.length / 100_000);
    for (const pieceSize of [1_000_000, 65_536, 4_097]) {
      const units = unitsOf(bz1, pieceSize);
      expect(Buffer.concat(units.map((unit) => unit.raw)).equals(bz1)).toBe(true);
      expect(units.map((unit) => unit.kind).filter((kind) => kind === "block").length).toBeGreaterThanOrEqual(blocks);
      expect(units[0]?.kind).toBe("stream-start");
      expect(units.at(-1)?.kind).toBe("stream-end");
    }
  });

  it("each repacked block is a bzip2 stream of its own that the bzip2 CLI decodes, and together they are the input", () => {
    const blocks = unitsOf(bz1, 65_536).filter((unit) => unit.kind === "block");
    const decoded = blocks.map((block) => runCli("bzip2", ["-d", "-c"], block.packed));
    expect(Buffer.concat(decoded).equals(data)).toBe(true);
  });

  it("concatenated streams of different levels, fed in 7-byte pieces, decode to the input", async () => {
    const second = runCli("bzip2", ["-9", "-c"], data.subarray(0, 300_000));
    const input = Buffer.concat([bz1, second, bz1]);
    const out = await collect(decodeBzip2Blocks(piecesOf(input, 7), native));
    expect(out.equals(Buffer.concat([data, data.subarray(0, 300_000), data]))).toBe(true);
  });
});

describe.runIf(hasBzip2)("the sequential decoder takes over where a native block decode fails", () => {
  it("a block refused as if it had been cut at a magic inside another block: the same bytes come out", async () => {
    let calls = 0;
    const refusingThird = {
      ...native,
      decodeWholeBlock: (stream: Uint8Array, max: number) =>
        ++calls === 3 ? Promise.reject(new Error("BZ_DATA_ERROR")) : native.decodeWholeBlock(stream, max),
    };
    const out = await collect(decodeBzip2Blocks(piecesOf(bz1, 50_000), refusingThird));
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(out.equals(data)).toBe(true);
  });

  it("a corrupt block in the middle is refused as CORRUPT_INPUT, after the blocks before it", async () => {
    const units = unitsOf(bz1, 65_536);
    const blockIndex = units.findIndex((unit, i) => unit.kind === "block" && i > 4);
    const offset = units.slice(0, blockIndex).reduce((sum, unit) => sum + unit.raw.length, 0);
    const bad = Buffer.from(bz1);
    bad[offset + (units[blockIndex] as Bzip2Unit).raw.length - 100]! ^= 0x24;
    let decodedBefore = 0;
    const code = await codeOf(async () => {
      for await (const piece of decodeBzip2Blocks(piecesOf(bad, 65_536), native)) decodedBefore += piece.length;
    });
    expect(code).toBe("CORRUPT_INPUT");
    expect(decodedBefore).toBeGreaterThan(0);
  });

  it("a stream whose combined CRC is wrong is refused, though every block is whole", async () => {
    const twice = Buffer.concat([bz1, bz1]);
    const units = unitsOf(twice, 65_536);
    const end = units.findIndex((unit) => unit.kind === "stream-end");
    const endOfFirstStream = units.slice(0, end + 1).reduce((sum, unit) => sum + unit.raw.length, 0);
    // The last byte of the end-of-stream unit holds the low bits of the stream CRC (and fewer than 8 padding bits).
    twice[endOfFirstStream - 1]! ^= 0xff;
    const error = await collect(decodeBzip2Blocks(piecesOf(twice), native)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).message).toContain("stream CRC mismatch");
  });

  it("blocks that expand past NATIVE_BLOCK_OUTPUT_BYTES (runs of zeros) are decoded exactly, between ordinary ones", async () => {
    const zeros = Buffer.alloc(3 * NATIVE_BLOCK_OUTPUT_BYTES);
    const body = Buffer.concat([data.subarray(0, 400_000), zeros, data.subarray(400_000)]);
    const compressed = runCli("bzip2", ["-9", "-c"], body);
    let largest = 0;
    const parts: Buffer[] = [];
    for await (const piece of decompressStream("bzip2", piecesOf(compressed))) {
      largest = Math.max(largest, piece.length);
      parts.push(piece);
    }
    expect(Buffer.concat(parts).equals(body)).toBe(true);
    expect(largest).toBeLessThanOrEqual(1 << 20);
  });

  it("trailing bytes that are not a stream are refused", async () => {
    const code = await codeOf(() =>
      collect(decompressStream("bzip2", piecesOf(Buffer.concat([bz1, Buffer.from("BZx9")])))),
    );
    expect(["CORRUPT_INPUT", "TRAILING_DATA"]).toContain(code);
  });
});

describe.runIf(hasBzip2)("the patched node-bzip2", () => {
  it("refuses a truncated stream (unpatched, it loops for ever)", async () => {
    await expect(nodeBzip2.decompressAsync(bz1.subarray(0, bz1.length >> 1))).rejects.toThrow("BZ_UNEXPECTED_EOF");
  });

  it("stops at maxOutput", async () => {
    const zeros = runCli("bzip2", ["-9", "-c"], Buffer.alloc(4 << 20));
    await expect(nodeBzip2.decompressAsync(zeros, { maxOutput: 1 << 20 })).rejects.toThrow("BZ_OUTBUFF_FULL");
    expect((await nodeBzip2.decompressAsync(zeros, { maxOutput: 4 << 20 })).length).toBe(4 << 20);
  });
});

describe.runIf(hasBzip2)("differential: mutated input decodes as the sequential decoder alone decodes it", () => {
  const small = data.subarray(0, 250_000);
  const good = runCli("bzip2", ["-1", "-c"], small);
  const BLOCK_MAGIC = Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
  const END_MAGIC = Buffer.from([0x17, 0x72, 0x45, 0x38, 0x50, 0x90]);

  it("flipped bytes, cuts, and block / end-of-stream magics written into the coded bits", async () => {
    let state = 12345;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const { Bzip2Decoder } = await import("../src/backends/bzip2-decoder.js");
    for (let round = 0; round < 120; round++) {
      const bad = Buffer.from(good);
      const kind = round % 4;
      if (kind === 0) bad[4 + random(bad.length - 4)]! ^= 1 << random(8);
      else if (kind === 1) (random(2) ? BLOCK_MAGIC : END_MAGIC).copy(bad, 10 + random(bad.length - 20));
      const input = kind === 2 ? bad.subarray(0, 4 + random(bad.length - 4)) : bad;
      const viaBlocks = await (async () => {
        try {
          return `ok ${(await collect(decodeBzip2Blocks(piecesOf(input, 9_999), native))).toString("hex")}`;
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
          return `error ${(error as CodecError).code}`;
        }
      })();
      const sequential = (() => {
        const decoder = new Bzip2Decoder();
        decoder.push(input);
        decoder.end();
        const out: Buffer[] = [];
        try {
          for (;;) {
            const piece = Buffer.alloc(1 << 20);
            const n = decoder.decode(piece);
            out.push(piece.subarray(0, n));
            if (decoder.finished) return `ok ${Buffer.concat(out).toString("hex")}`;
            if (n === 0) return "stuck";
          }
        } catch (error) {
          return `error ${(error as CodecError).code}`;
        }
      })();
      expect(viaBlocks.slice(0, 200), `round ${round}`).toBe(sequential.slice(0, 200));
      expect(viaBlocks === sequential, `round ${round}`).toBe(true);
    }
  });
});
