// The addon on its own: it decodes what node:zlib's brotli encoder writes, byte for byte, in whatever input and
// output sizes it is given; it never writes past the output space (a bomb makes it ask for more space instead);
// it reports the stream's end with the bytes after it unconsumed; a corrupt stream throws, once.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";
import { describe, expect, it } from "vitest";
import type * as BrotliNative from "../index.js";

const addon = createRequire(import.meta.url)("../index.cjs") as typeof BrotliNative;
const text = readFileSync(new URL("../src/brotli_decoder.c", import.meta.url));
const input = Buffer.concat([text, readFileSync(process.execPath).subarray(0, 2_000_000), text]);
const compress = (data: Uint8Array, quality = 5) =>
  brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } });

function decodeAll(compressed: Uint8Array, inPiece: number, outPiece: number): { out: Buffer; rest: number } {
  const decoder = addon.createDecoder();
  const parts: Buffer[] = [];
  let offset = 0;
  const space = Buffer.alloc(outPiece);
  for (;;) {
    const piece = compressed.subarray(offset, offset + inPiece);
    const [consumed, produced, state] = addon.decode(decoder, piece, space);
    if (produced > outPiece) throw new Error(`produced ${produced} bytes into ${outPiece}`);
    parts.push(Buffer.from(space.subarray(0, produced)));
    offset += consumed;
    if (state === 2) return { out: Buffer.concat(parts), rest: compressed.length - offset };
    if (state === 0 && offset >= compressed.length) throw new Error("truncated");
  }
}

describe("@narwhal/brotli-native", () => {
  it("decodes node:zlib's brotli, in small and large pieces", () => {
    for (const quality of [1, 6, 9]) {
      const compressed = compress(input, quality);
      for (const [inPiece, outPiece] of [
        [1 << 20, 1 << 20],
        [777, 4096],
      ] as const) {
        const { out, rest } = decodeAll(compressed, inPiece, outPiece);
        expect(out.equals(input)).toBe(true);
        expect(rest).toBe(0);
      }
    }
    expect(decodeAll(compress(text), 3, 100).out.equals(text)).toBe(true);
  });

  it("a bomb only ever fills the space it is given, asking for more (state 1)", () => {
    const bomb = compress(Buffer.alloc(256 << 20), 5);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const decoder = addon.createDecoder();
    const space = Buffer.alloc(1 << 20);
    const [, produced, state] = addon.decode(decoder, bomb, space);
    expect(produced).toBe(space.length);
    expect(state).toBe(1);
    addon.release(decoder);
  });

  it("reports the end of the stream and leaves the bytes after it unconsumed", () => {
    const compressed = compress(text);
    const { out, rest } = decodeAll(Buffer.concat([compressed, Buffer.from("garbage")]), 1 << 20, 1 << 20);
    expect(out.equals(text)).toBe(true);
    expect(rest).toBe(7);
  });

  it("a corrupt stream throws BROTLI_DECODE_ERROR, and the decoder refuses to go on", () => {
    const bad = Buffer.from(compress(input));
    bad[100]! ^= 0xff;
    bad[200]! ^= 0xff;
    const decoder = addon.createDecoder();
    let error: (Error & { code?: string }) | undefined;
    try {
      for (let offset = 0; offset < bad.length; offset += 4096) {
        addon.decode(decoder, bad.subarray(offset, offset + 4096), Buffer.alloc(1 << 20));
      }
    } catch (e) {
      error = e as Error;
    }
    expect(error?.code).toBe("BROTLI_DECODE_ERROR");
    expect(error?.message).toMatch(/^_ERROR_/);
    expect(() => addon.decode(decoder, bad, Buffer.alloc(16))).toThrow(/failed before/);
  });

  it("checks its arguments", () => {
    expect(() => addon.decode({} as BrotliNative.BrotliDecoder, Buffer.alloc(1), Buffer.alloc(1))).toThrow(TypeError);
    expect(() => addon.decode(addon.createDecoder(), "x" as unknown as Uint8Array, Buffer.alloc(1))).toThrow(TypeError);
  });
});
