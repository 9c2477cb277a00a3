// The registry as a plugin host: built-in methods, Nix's NAR extensions, defaults, third-party codecs
// registered and used the same way, and the Content-Encoding helpers for narinfo/.ls/log bodies.

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  compressStream,
  decodeContentEncoding,
  decompressStream,
  encodeContentEncoding,
  getCodec,
  listCodecs,
  narExtension,
  registerCodec,
  type Codec,
} from "../src/index.js";
import { collect, piecesOf, sampleBytes } from "./helpers.js";

describe("built-in methods", () => {
  it("use Nix's names, NAR extensions, level ranges and defaults", () => {
    expect(listCodecs().map((c) => c.name)).toEqual(["br", "bzip2", "gzip", "none", "xz", "zstd"]);
    expect(["xz", "bzip2", "zstd", "br", "gzip", "none"].map(narExtension)).toEqual([
      ".xz",
      ".bz2",
      ".zst",
      ".br",
      "",
      "",
    ]);
    expect(getCodec("xz").levels).toEqual({ min: 0, max: 9, default: 6 });
    expect(getCodec("zstd").levels.default).toBe(3);
    expect(getCodec("zstd").levels.min).toBeLessThan(0);
    // zstd's range is written out (registering loads no native library); it must be the linked libzstd's.
    const zstdLibrary = createRequire(import.meta.url)("zstd-napi/binding") as {
      minCLevel(): number;
      maxCLevel(): number;
    };
    expect([getCodec("zstd").levels.min, getCodec("zstd").levels.max]).toEqual([
      zstdLibrary.minCLevel(),
      zstdLibrary.maxCLevel(),
    ]);
    expect(getCodec("gzip").levels).toEqual({ min: 0, max: 9, default: 6 });
    expect(getCodec("bzip2").levels).toEqual({ min: 1, max: 9, default: 9 });
    expect(getCodec("br").levels).toEqual({ min: 0, max: 11, default: 11 });
    expect(getCodec("br").concatenable).toBe(false);
    expect(getCodec("xz").backend).toBe("node-liblzma");
    expect(getCodec("xz", "lzma-native").backend).toBe("lzma-native");
  });

  it("level -1 means the codec's default (same bytes as the explicit default)", async () => {
    const data = sampleBytes(50_000);
    for (const name of ["xz", "gzip", "zstd", "bzip2"]) {
      const implicit = await collect(compressStream(name, piecesOf(data), { level: -1 }));
      const explicit = await collect(compressStream(name, piecesOf(data), { level: getCodec(name).levels.default }));
      expect(implicit.equals(explicit)).toBe(true);
    }
  });
});

describe("third-party codecs", () => {
  const xorCodec: Codec = {
    name: "xor-test",
    backend: "example",
    extension: ".xor",
    levels: { min: 1, max: 255, default: 7 },
    concatenable: true,
    nativeThreads: false,
    compress: ({ level }) =>
      async function* (source) {
        for await (const piece of source) yield Buffer.from(piece.map((b) => b ^ level));
      },
    decompress: () =>
      async function* (source) {
        for await (const piece of source) yield Buffer.from(piece.map((b) => b ^ 7));
      },
  };

  it("register and run like built-ins, parallel included", async () => {
    registerCodec(xorCodec);
    expect(narExtension("xor-test")).toBe(".xor");
    const data = sampleBytes(100_000);
    const compressed = await collect(
      compressStream("xor-test", piecesOf(data), { parallel: true, chunkSize: 30_000, threads: 2 }),
    );
    expect(compressed.equals(data)).toBe(false);
    expect((await collect(decompressStream("xor-test", piecesOf(compressed)))).equals(data)).toBe(true);
  });
});

describe("Content-Encoding bodies", () => {
  const narinfo = Buffer.from("StorePath: /nix/store/aaaa-x\nURL: nar/x.nar.xz\nCompression: xz\n".repeat(20));
  for (const method of ["br", "gzip", "zstd", "xz", "bzip2"]) {
    it(`${method} round trip`, async () => {
      const encoded = await encodeContentEncoding(method, narinfo);
      expect(encoded.equals(narinfo)).toBe(false);
      expect((await decodeContentEncoding(method, encoded)).equals(narinfo)).toBe(true);
    });
  }
  it("x-gzip decodes as gzip, and the size bound applies", async () => {
    const encoded = await encodeContentEncoding("gzip", narinfo);
    expect((await decodeContentEncoding("x-gzip", encoded)).equals(narinfo)).toBe(true);
    await expect(decodeContentEncoding("gzip", encoded, { maxOutputBytes: 10 })).rejects.toMatchObject({
      code: "OUTPUT_LIMIT_EXCEEDED",
    });
  });
});
