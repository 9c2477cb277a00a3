// br decoding through @narwhal/brotli-native (libbrotlidec) where it is built, as it is in this workspace: the same
// bytes as node:zlib's decoder for real files at every piece size, and its own truncation and trailing-byte errors.
// The refusals (truncated, trailing bytes, empty, corrupt, bombs) are bad-input.test.ts's and
// decompression-bombs.test.ts's, which decode br through whichever decoder is in use.

import { readFileSync } from "node:fs";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { describe, expect, it } from "vitest";
import { brotliNative, decompressBrotliNative } from "../src/backends/brotli-native-decode.js";
import { collect, piecesOf } from "./helpers.js";

const files = Buffer.concat([readFileSync(process.execPath).subarray(0, 3_000_000), readFileSync("/etc/services")]);

describe("br through libbrotlidec", () => {
  it("is in use here (the addon is built at install)", () => {
    expect(brotliNative()).toBeDefined();
  });

  it("decodes what node:zlib decodes, byte for byte, whatever the input piece size", async () => {
    const native = brotliNative()!;
    const compressed = brotliCompressSync(files, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } });
    expect(brotliDecompressSync(compressed).equals(files)).toBe(true);
    for (const pieceSize of [1 << 20, 65_536, 1_001]) {
      let largest = 0;
      const pieces: Buffer[] = [];
      for await (const piece of decompressBrotliNative(native, piecesOf(compressed, pieceSize))) {
        largest = Math.max(largest, piece.length);
        pieces.push(piece);
      }
      expect(Buffer.concat(pieces).equals(files)).toBe(true);
      expect(largest).toBeLessThanOrEqual(1 << 20);
    }
  });

  it("a stream whose last byte is missing is TRUNCATED_INPUT, one with a byte more TRAILING_DATA", async () => {
    const native = brotliNative()!;
    const compressed = brotliCompressSync(files.subarray(0, 100_000));
    await expect(collect(decompressBrotliNative(native, piecesOf(compressed.subarray(0, -1))))).rejects.toMatchObject({
      code: "TRUNCATED_INPUT",
    });
    await expect(
      collect(decompressBrotliNative(native, piecesOf(Buffer.concat([compressed, Buffer.from([0])])))),
    ).rejects.toMatchObject({ code: "TRAILING_DATA" });
  });
});
