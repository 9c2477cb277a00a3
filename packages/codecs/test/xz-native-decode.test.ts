// xz decoding through @narwhal/xz-native (the system's liblzma) where it is built, as it is in this workspace: the
// same bytes as node-liblzma's decoder for real files, threaded or not, at every piece size, over concatenated
// streams and stream padding, and its own truncation errors. The other refusals (corrupt, empty, trailing garbage,
// bombs) are bad-input.test.ts's and decompression-bombs.test.ts's, which decode xz through whichever decoder is in
// use.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decompressXz } from "../src/backends/node-liblzma-decode.js";
import { decompressXzNative, xzNative } from "../src/backends/xz-native-decode.js";
import { decompressStream } from "../src/index.js";
import { collect, piecesOf, requireTool, runCli } from "./helpers.js";

const files = Buffer.concat([readFileSync(process.execPath).subarray(0, 6_000_000), readFileSync("/etc/services")]);
const hasXz = requireTool("xz");

describe.skipIf(!hasXz)("xz through the system's liblzma", () => {
  // One stream in 1 MiB blocks that carry their sizes (what the threaded decoder decodes side by side), one more
  // stream after it, and stream padding.
  const blocks = hasXz ? runCli("xz", ["-6", "-T2", "--block-size=1MiB", "-c"], files) : Buffer.alloc(0);
  const second = hasXz ? runCli("xz", ["-1", "-c"], files.subarray(0, 100_000)) : Buffer.alloc(0);
  const input = Buffer.concat([blocks, second, Buffer.alloc(8)]);
  const expected = Buffer.concat([files, files.subarray(0, 100_000)]);

  it("is in use here (the addon is built at install)", () => {
    expect(xzNative()).toBeDefined();
  });

  for (const threads of [1, 2]) {
    it(`decodes what node-liblzma decodes, byte for byte, whatever the piece size (threads=${threads})`, async () => {
      expect((await collect(decompressXz(piecesOf(input, 65_536)))).equals(expected)).toBe(true);
      for (const pieceSize of [1 << 20, 65_536, 1_001]) {
        let largest = 0;
        const pieces: Buffer[] = [];
        for await (const piece of decompressXzNative(xzNative()!, piecesOf(input, pieceSize), threads)) {
          largest = Math.max(largest, piece.length);
          pieces.push(piece);
        }
        expect(Buffer.concat(pieces).equals(expected)).toBe(true);
        expect(largest).toBeLessThanOrEqual(1 << 20);
      }
    });

    it(`input cut short, anywhere, is TRUNCATED_INPUT; a flipped byte CORRUPT_INPUT (threads=${threads})`, async () => {
      for (const end of [blocks.length - 1, blocks.length - 13, Math.floor(blocks.length / 2), 20]) {
        await expect(
          collect(decompressXzNative(xzNative()!, piecesOf(blocks.subarray(0, end)), threads)),
        ).rejects.toMatchObject({ code: "TRUNCATED_INPUT" });
      }
      const flipped = Buffer.from(blocks);
      flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
      await expect(collect(decompressXzNative(xzNative()!, piecesOf(flipped), threads))).rejects.toMatchObject({
        code: "CORRUPT_INPUT",
      });
    });
  }

  it("decompressStream decodes xz through it on this thread, threaded, and refuses garbage after the streams", async () => {
    expect((await collect(decompressStream("xz", piecesOf(input, 65_536)))).equals(expected)).toBe(true);
    await expect(
      collect(decompressStream("xz", piecesOf(Buffer.concat([blocks, Buffer.from("this is not an xz stream")])))),
    ).rejects.toMatchObject({ code: "CORRUPT_INPUT" });
  });
});
