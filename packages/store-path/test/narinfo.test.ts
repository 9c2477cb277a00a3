import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  NIX32_ALPHABET,
  type NarInfo,
  NarInfoFormatError,
  formatNarInfo,
  hashBytes,
  narInfoFileFor,
  parseContentAddress,
  parseNarInfo,
  parseStorePath,
  parseStorePathBaseName,
} from "../src/index.js";
import { describeWithNix } from "./support/real-nix.js";
import { type RealNixCache, buildRealNixCache } from "./support/nix-cache.js";

const SAMPLE = [
  "StorePath: /nix/store/4x874p0lcnwsa8adsc4k4zdbavicz0j9-r",
  "URL: nar/17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3.nar.xz",
  "Compression: xz",
  "FileHash: sha256:17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3",
  "FileSize: 120",
  "NarHash: sha256:17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3",
  "NarSize: 168",
  "References: 4x874p0lcnwsa8adsc4k4zdbavicz0j9-r qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d",
  "Deriver: 0000000000000000000000000000000a-r.drv",
  "Sig: b:uphD/Dx4YK4agGpYi1/V9pvBWrUVG5RZ6il+HirTGPFm+B+a7pSRn/qUHRAVqIObEqdcDeGRveLOlBHrh87QDw==",
  "Sig: a:S+IvYI2FIDapzBgxdmtSmHWOTNnHGlSHtzU6B3MJ3eBLydWB+3WM52GRjBfzzV2PE9SHDx4C3m8aLAL1B8kLBQ==",
  "CA: text:sha256:0pnpkgj16v9571xacs8g0rf07zk0qw4pcinyhhixf601fmzdp536",
  "",
].join("\n");

describe("parseNarInfo and formatNarInfo", () => {
  it("reads every field", () => {
    const info = parseNarInfo(SAMPLE);
    expect(info.storePath.path).toBe("/nix/store/4x874p0lcnwsa8adsc4k4zdbavicz0j9-r");
    expect(info.url).toBe("nar/17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3.nar.xz");
    expect(info.compression).toBe("xz");
    expect(info.fileHash?.toString()).toBe("sha256:17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3");
    expect(info.fileSize).toBe(120);
    expect(info.narSize).toBe(168);
    expect(info.references.map((reference) => reference.path)).toEqual([
      "/nix/store/4x874p0lcnwsa8adsc4k4zdbavicz0j9-r",
      "/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d",
    ]);
    expect(info.deriver?.baseName).toBe("0000000000000000000000000000000a-r.drv");
    expect(info.sigs.map((sig) => sig.split(":")[0])).toEqual(["b", "a"]);
    expect(info.ca?.method).toBe("text");
  });

  it("writes back byte for byte, keeping Sig order", () => {
    expect(formatNarInfo(parseNarInfo(SAMPLE))).toBe(SAMPLE);
  });

  it("always writes the References line, with a trailing space when empty", () => {
    const text = formatNarInfo({ ...parseNarInfo(SAMPLE), references: [] });
    expect(text).toContain("\nReferences: \n");
  });

  it("omits FileHash, FileSize, Deriver, Sig and CA when unknown", () => {
    const minimal: NarInfo = {
      storePath: parseStorePath("/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d"),
      url: "nar/x.nar",
      compression: "none",
      narHash: hashBytes("sha256", "nar"),
      narSize: 5,
      references: [],
      sigs: [],
    };
    const text = formatNarInfo(minimal);
    expect(text.split("\n").map((line) => line.split(":")[0])).toEqual([
      "StorePath",
      "URL",
      "Compression",
      "NarHash",
      "NarSize",
      "References",
      "",
    ]);
    expect(parseNarInfo(text)).toEqual(minimal);
  });

  it("is lenient like Nix: unknown keys, bzip2 default, unknown-deriver, bare References", () => {
    const text = [
      "StorePath: /nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d",
      "URL: nar/a.nar.bz2",
      "System: x86_64-linux",
      "NarHash: sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY=",
      "NarSize: 288",
      "Deriver: unknown-deriver",
      "Compression: ",
      "References: ",
      "",
    ].join("\n");
    const info = parseNarInfo(text);
    expect(info.compression).toBe("bzip2");
    expect(info.deriver).toBeUndefined();
    expect(info.references).toEqual([]);
    expect(info.narHash.toString()).toBe("sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247");
  });

  it("resolves paths against a custom store dir", () => {
    const text = SAMPLE.replaceAll("/nix/store/", "/opt/store/");
    const info = parseNarInfo(text, { storeDir: "/opt/store" });
    expect(info.references[1]?.path).toBe("/opt/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d");
    expect(formatNarInfo(info)).toBe(text);
  });

  it("round-trips generated narinfos", () => {
    const hashPart = fc.string({ unit: fc.constantFrom(...NIX32_ALPHABET), minLength: 32, maxLength: 32 });
    const storePath = fc
      .tuple(hashPart, fc.string({ unit: fc.constantFrom(..."abcXYZ019+_?="), minLength: 1, maxLength: 40 }))
      .map(([hash, name]) => parseStorePathBaseName(`${hash}-${name}`));
    const hash = fc.uint8Array({ maxLength: 8 }).map((bytes) => hashBytes("sha256", bytes));
    const size = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    const info = fc.record(
      {
        storePath,
        url: fc.string({ unit: fc.constantFrom(..."abc/._-"), minLength: 1 }),
        compression: fc.constantFrom("xz", "zstd", "none", "br", "bzip2"),
        fileHash: hash,
        fileSize: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        narHash: hash,
        narSize: size,
        references: fc.array(storePath, { maxLength: 4 }),
        deriver: storePath,
        sigs: fc.array(
          fc
            .tuple(
              fc.string({ unit: fc.constantFrom(..."ab.-1"), minLength: 1 }),
              fc.uint8Array({ minLength: 1, maxLength: 64 }),
            )
            .map(([name, bytes]) => `${name}:${Buffer.from(bytes).toString("base64")}`),
          { maxLength: 3 },
        ),
        ca: hash.map((h) => parseContentAddress(`fixed:r:${h.toString()}`)),
      },
      { requiredKeys: ["storePath", "url", "compression", "narHash", "narSize", "references", "sigs"] },
    );
    fc.assert(
      fc.property(info, (value) => {
        const text = formatNarInfo(value);
        expect(formatNarInfo(parseNarInfo(text))).toBe(text);
        expect(parseNarInfo(text)).toEqual(value);
      }),
    );
  });

  it("names the object key for a path", () => {
    expect(narInfoFileFor(parseStorePath("/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d"))).toBe(
      "qhr2hq2mkiszwi1xg99cl89vw8xsx3yl.narinfo",
    );
  });
});

describe("formatNarInfo refuses values that would corrupt the file", () => {
  const base = parseNarInfo(SAMPLE);
  it.each<[string, Partial<NarInfo>, RegExp]>([
    ["URL with a newline", { url: "nar/a\nSig: evil" }, /URL must not contain a line break/],
    ["empty URL", { url: "" }, /URL must not be empty/],
    ["empty compression", { compression: "" }, /Compression must not be empty/],
    ["Sig with a carriage return", { sigs: ["a:b\r"] }, /Sig must not contain a line break/],
    ["NarSize 0", { narSize: 0 }, /NarSize must be a positive safe integer/],
    ["fractional NarSize", { narSize: 1.5 }, /NarSize must be a positive safe integer/],
    ["huge FileSize", { fileSize: 2 ** 53 }, /FileSize must be a non-negative safe integer/],
    ["sha1 NarHash", { narHash: hashBytes("sha1", "") }, /NarHash must be sha256/],
    ["sha512 FileHash", { fileHash: hashBytes("sha512", "") }, /FileHash must be sha256/],
    [
      "reference in another store",
      { references: [parseStorePath("/opt/s/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d", "/opt/s")] },
      /reference \/opt\/s\/qhr2.* is not in store directory \/nix\/store/,
    ],
  ])("%s", (_label, change, rule) => {
    expect(() => formatNarInfo({ ...base, ...change })).toThrow(NarInfoFormatError);
    expect(() => formatNarInfo({ ...base, ...change })).toThrow(rule);
  });
});

describeWithNix("narinfo written by real Nix", () => {
  let cache: RealNixCache;
  beforeAll(() => {
    cache = buildRealNixCache();
  });
  afterAll(() => cache?.remove());

  it("parses and re-formats to the identical bytes", () => {
    expect(cache.narInfos.size).toBe(2);
    for (const [key, text] of cache.narInfos) {
      const info = parseNarInfo(text, { source: key, expectedHashPart: key.slice(0, 32) });
      expect(narInfoFileFor(info.storePath)).toBe(key);
      expect(formatNarInfo(info)).toBe(text);
    }
  });

  it("sees the references and content address Nix recorded", () => {
    const textKey = `${parseStorePath(cache.textPath).hashPart}.narinfo`;
    const info = parseNarInfo(cache.narInfos.get(textKey)!);
    expect(info.references.map((reference) => reference.path)).toEqual([cache.sourcePath]);
    expect(info.ca?.method).toBe("text");
    expect(info.sigs).toHaveLength(1);
  });
});
