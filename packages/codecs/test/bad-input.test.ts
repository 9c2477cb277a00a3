// Every refusal: unknown codec or backend, level out of range, bad options, parallel brotli, and decoding of
// truncated, corrupt, trailing-garbage, concatenated-brotli, empty and over-limit input — for every backend.

import { afterAll, describe, expect, it } from "vitest";
import {
  closeCompressionPools,
  CodecError,
  compressStream,
  decompressStream,
  getCodec,
  listCodecs,
  narExtension,
  registerCodec,
} from "../src/index.js";
import { codeOf, collect, piecesOf, sampleBytes } from "./helpers.js";

afterAll(closeCompressionPools);
const data = sampleBytes(200_000, 11);

async function compress(name: string, backend: string, body: Buffer = data, level = -1): Promise<Buffer> {
  return collect(compressStream(name, piecesOf(body), { backend, level: name === "br" ? 4 : level }));
}

describe("registry refusals name the value and the valid ones", () => {
  it("unknown codec", async () => {
    const error = (await (async () => {
      try {
        getCodec("lz5");
      } catch (e) {
        return e as CodecError;
      }
    })()) as CodecError;
    expect(error.code).toBe("UNKNOWN_CODEC");
    expect(error.message).toContain('"lz5"');
    expect(error.message).toContain("zstd");
    expect(() => narExtension("lz5")).toThrow(CodecError);
  });

  it("unknown backend", () => {
    expect(() => getCodec("zstd", "nope")).toThrow(/no backend "nope".*zstd-napi/);
  });

  it("levels outside Nix's ranges", async () => {
    const cases: [string, number][] = [
      ["xz", 10],
      ["xz", -2],
      ["gzip", 10],
      ["bzip2", 0],
      ["br", 12],
      ["zstd", 23],
      ["zstd", 1.5],
      ["none", 3],
    ];
    for (const [name, level] of cases) {
      let message = "";
      try {
        compressStream(name, piecesOf(data), { level });
      } catch (error) {
        expect((error as CodecError).code).toBe("LEVEL_OUT_OF_RANGE");
        message = (error as Error).message;
      }
      expect(message).toContain(String(level));
      expect(message).toContain(String(getCodec(name).levels.max));
    }
  });

  it("parallel brotli is refused, or falls back to one stream with a warning", async () => {
    expect(await codeOf(() => compressStream("br", piecesOf(data), { parallel: true }))).toBe("PARALLEL_UNSUPPORTED");
    const warnings: string[] = [];
    const out = await collect(
      compressStream("br", piecesOf(data), {
        parallel: true,
        level: 4,
        singleStreamFallback: true,
        onWarning: (m) => warnings.push(m),
      }),
    );
    expect(warnings).toHaveLength(1);
    expect((await collect(decompressStream("br", piecesOf(out)))).equals(data)).toBe(true);
  });

  it("bad options", async () => {
    expect(await codeOf(() => compressStream("zstd", piecesOf(data), { parallel: true, threads: 0 }))).toBe(
      "INVALID_OPTION",
    );
    expect(await codeOf(() => compressStream("zstd", piecesOf(data), { parallel: true, chunkSize: -4 }))).toBe(
      "INVALID_OPTION",
    );
    expect(await codeOf(() => compressStream("gzip", piecesOf(data), { parallel: true, strategy: "native" }))).toBe(
      "INVALID_OPTION",
    );
    expect(await codeOf(() => decompressStream("gzip", piecesOf(data), { maxOutputBytes: -1 }))).toBe("INVALID_OPTION");
  });

  it("duplicate and malformed plugin registrations", () => {
    expect(() => registerCodec(getCodec("zstd"))).toThrow(/already has a backend/);
    expect(() => registerCodec({ ...getCodec("zstd"), backend: "x", levels: { min: 5, max: 1, default: 3 } })).toThrow(
      CodecError,
    );
  });
});

const compressedMethods = listCodecs()
  .flatMap((method) => method.backends)
  .filter((codec) => codec.name !== "none");

describe.each(compressedMethods.map((codec) => [`${codec.name} via ${codec.backend}`, codec] as const))(
  "decoding refusals: %s",
  (_label, codec) => {
    const decode = (body: Uint8Array, maxOutputBytes?: number) =>
      collect(decompressStream(codec.name, piecesOf(body, 5_000), { backend: codec.backend, maxOutputBytes }));

    it("rejects truncated input", async () => {
      const good = await compress(codec.name, codec.backend);
      for (const cut of [1, 4, 12, good.length >> 1]) {
        expect(["TRUNCATED_INPUT", "CORRUPT_INPUT"]).toContain(
          await codeOf(() => decode(good.subarray(0, good.length - cut))),
        );
      }
    });

    it("rejects empty input", async () => {
      expect(await codeOf(() => decode(Buffer.alloc(0)))).toBe("TRUNCATED_INPUT");
    });

    // brotli streams carry no checksum: a flipped byte may decode to wrong bytes, which NarHash then catches.
    it.skipIf(codec.name === "br")("rejects a flipped byte (the format has an integrity check)", async () => {
      const bad = Buffer.from(await compress(codec.name, codec.backend));
      bad[bad.length >> 1]! ^= 0x41;
      expect(["CORRUPT_INPUT", "TRUNCATED_INPUT", "TRAILING_DATA"]).toContain(await codeOf(() => decode(bad)));
    });

    it("rejects trailing garbage", async () => {
      const good = await compress(codec.name, codec.backend);
      const garbage = Buffer.from("not a compressed stream at all");
      expect(["CORRUPT_INPUT", "TRAILING_DATA"]).toContain(await codeOf(() => decode(Buffer.concat([good, garbage]))));
    });

    it("stops output beyond maxOutputBytes, and allows exactly the bound", async () => {
      const good = await compress(codec.name, codec.backend);
      expect(await codeOf(() => decode(good, data.length - 1))).toBe("OUTPUT_LIMIT_EXCEEDED");
      expect((await decode(good, data.length)).equals(data)).toBe(true);
    });

    if (!codec.concatenable) {
      it("rejects concatenated streams (Nix does)", async () => {
        const one = await compress(codec.name, codec.backend, data.subarray(0, 1000));
        expect(await codeOf(() => decode(Buffer.concat([one, one])))).toBe("TRAILING_DATA");
      });
    }
  },
);

describe("lzma-native preset 0 is honoured (its easy encoder would silently use 6)", () => {
  it("level 0 and level 6 give different outputs", async () => {
    const zero = await compress("xz", "lzma-native", data, 0);
    const six = await compress("xz", "lzma-native", data, 6);
    expect(zero.equals(six)).toBe(false);
    expect(zero.equals(await compress("xz", "node-liblzma", data, 0))).toBe(true);
  });
});
