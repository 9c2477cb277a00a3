// The addon on its own: it decodes what the xz CLI writes, byte for byte, threaded or not, in whatever input and
// output sizes it is given; it never writes past the output space (a bomb makes it ask for more space instead);
// truncated and corrupt input throw XZ_DECODE_ERROR, and the decoder refuses to go on after.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type * as XzNative from "../index.js";

const addon = createRequire(import.meta.url)("../index.cjs") as typeof XzNative;
const text = readFileSync(new URL("../src/xz_decoder.c", import.meta.url));
const input = Buffer.concat([text, readFileSync(process.execPath).subarray(0, 3_000_000), text]);
const MEMORY = 96 << 20;

function xz(args: string[], data: Uint8Array): Buffer {
  const result = spawnSync("xz", [...args, "-c"], { input: data, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`xz ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

function decodeAll(compressed: Uint8Array, threads: number, inPiece: number, outPiece: number): Buffer {
  const decoder = addon.createDecoder(threads, MEMORY);
  const parts: Buffer[] = [];
  const space = Buffer.alloc(outPiece);
  let offset = 0;
  for (let calls = 0; calls < 1_000_000; calls++) {
    const finish = offset >= compressed.length;
    const [consumed, produced, state] = addon.decode(
      decoder,
      compressed.subarray(offset, offset + inPiece),
      space,
      finish,
    );
    if (produced > outPiece) throw new Error(`produced ${produced} bytes into ${outPiece}`);
    parts.push(Buffer.from(space.subarray(0, produced)));
    offset += consumed;
    if (state === 2) return Buffer.concat(parts);
  }
  throw new Error("no end after a million calls");
}

const hasXz = spawnSync("sh", ["-c", "command -v xz"]).status === 0;

describe.skipIf(!hasXz && !process.env.CI)("@narwhal/xz-native", () => {
  it("decodes the xz CLI's output, one stream or blocks for threads, concatenated, in small and large pieces", () => {
    const single = xz(["-6"], input);
    const blocks = xz(["-3", "-T2", "--block-size=512KiB"], input);
    const both = Buffer.concat([single, Buffer.alloc(4), blocks]);
    for (const threads of [1, 2]) {
      for (const [inPiece, outPiece] of [
        [1 << 20, 1 << 20],
        [777, 4096],
      ] as const) {
        expect(decodeAll(single, threads, inPiece, outPiece).equals(input)).toBe(true);
        expect(decodeAll(both, threads, inPiece, outPiece).equals(Buffer.concat([input, input]))).toBe(true);
      }
    }
  });

  it("a bomb only ever fills the space it is given, asking for more (state 1)", () => {
    const bomb = xz(["-0"], Buffer.alloc(256 << 20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const decoder = addon.createDecoder(1, MEMORY);
    const space = Buffer.alloc(1 << 20);
    const [, produced, state] = addon.decode(decoder, bomb, space, true);
    expect(produced).toBe(space.length);
    expect(state).toBe(1);
    addon.release(decoder);
  });

  it("truncated input throws LZMA_BUF_ERROR, a corrupt stream LZMA_DATA_ERROR, and the decoder refuses to go on", () => {
    const compressed = xz(["-6"], input);
    expect(() => decodeAll(compressed.subarray(0, -5), 1, 1 << 20, 1 << 20)).toThrow(/^LZMA_BUF_ERROR/);
    const bad = Buffer.from(compressed);
    bad[Math.floor(bad.length / 2)]! ^= 0xff;
    const decoder = addon.createDecoder(1, MEMORY);
    let error: (Error & { code?: string }) | undefined;
    try {
      addon.decode(decoder, bad, Buffer.alloc(8 << 20), true);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.code).toBe("XZ_DECODE_ERROR");
    expect(error?.message).toMatch(/^LZMA_DATA_ERROR/);
    expect(() => addon.decode(decoder, Buffer.alloc(0), Buffer.alloc(10), true)).toThrow(/released or failed/);
  });

  it("refuses arguments of the wrong kind with a TypeError", () => {
    expect(() => (addon.createDecoder as (...a: unknown[]) => unknown)("2", MEMORY)).toThrow(TypeError);
    const decoder = addon.createDecoder(1, MEMORY);
    expect(() => (addon.decode as (...a: unknown[]) => unknown)(decoder, "x", Buffer.alloc(1), false)).toThrow(
      TypeError,
    );
    expect(() => (addon.decode as (...a: unknown[]) => unknown)({}, Buffer.alloc(1), Buffer.alloc(1), false)).toThrow(
      TypeError,
    );
    addon.release(decoder);
  });
});
