import { describe, expect, it } from "vitest";
import { NarInfoFormatError, fingerprint, formatNarInfo, hashBytes, parseNarInfo } from "../src/index.js";

// Each case is a rule of Nix's narinfo parser (src/libstore/nar-info.cc): what Nix accepts, narwhal accepts with
// the same meaning.

const HASH = "sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247";
const CA_HASH = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
const PATH = "/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d";
const OTHER = "/nix/store/4x874p0lcnwsa8adsc4k4zdbavicz0j9-r";
const BASE = [
  `StorePath: ${PATH}`,
  "URL: nar/a.nar",
  "Compression: none",
  `NarHash: ${HASH}`,
  "NarSize: 288",
  "References: ",
];

const text = (...lines: string[]): string => `${[...BASE, ...lines].join("\n")}\n`;

describe("narinfo lines as Nix reads them", () => {
  it("an empty CA line means no content address", () => {
    expect(parseNarInfo(text("CA: ")).ca).toBeUndefined();
    expect(formatNarInfo(parseNarInfo(text("CA: ")))).toBe(text());
  });

  it("an empty CA line may be followed by a real one (Nix only refuses a second CA after a set one)", () => {
    expect(parseNarInfo(text("CA: ", `CA: fixed:r:sha256:${CA_HASH}`)).ca?.method).toBe("recursive");
    expect(() => parseNarInfo(text(`CA: fixed:r:sha256:${CA_HASH}`, "CA: "))).toThrow(/extra CA line/);
  });

  it.each<[string, string[], (info: ReturnType<typeof parseNarInfo>) => unknown, unknown]>([
    ["URL", ["URL: nar/b.nar"], (info) => info.url, "nar/b.nar"],
    ["StorePath", [`StorePath: ${OTHER}`], (info) => info.storePath.path, OTHER],
    ["Compression", ["Compression: xz"], (info) => info.compression, "xz"],
    ["an empty Compression (bzip2)", ["Compression: "], (info) => info.compression, "bzip2"],
    ["NarHash", [`NarHash: sha256:${CA_HASH}`], (info) => info.narHash.toString(), `sha256:${CA_HASH}`],
    ["NarSize", ["NarSize: 5"], (info) => info.narSize, 5],
    ["FileSize", ["FileSize: 1", "FileSize: 2"], (info) => info.fileSize, 2],
    [
      "FileHash",
      [`FileHash: ${HASH}`, `FileHash: sha256:${CA_HASH}`],
      (info) => info.fileHash?.toString(),
      `sha256:${CA_HASH}`,
    ],
  ])("a repeated %s line: the last one wins", (_label, extra, read, expected) => {
    expect(read(parseNarInfo(text(...extra)))).toEqual(expected);
  });

  it("a repeated URL may repair an empty one, and an empty last URL is refused as missing", () => {
    const lines = [...BASE];
    lines.splice(1, 0, "URL: ");
    expect(parseNarInfo(`${lines.join("\n")}\n`).url).toBe("nar/a.nar");
    expect(() => parseNarInfo(text("URL: "))).toThrow(/required field URL is missing or empty/);
  });

  it("NarSize 0 followed by a real NarSize is accepted (Nix checks after the last line)", () => {
    const lines = [...BASE];
    lines.splice(4, 0, "NarSize: 0");
    expect(parseNarInfo(`${lines.join("\n")}\n`).narSize).toBe(288);
  });

  it("the requested hash part is checked against the last StorePath", () => {
    const expectedHashPart = "4x874p0lcnwsa8adsc4k4zdbavicz0j9";
    expect(parseNarInfo(text(`StorePath: ${OTHER}`), { expectedHashPart }).storePath.path).toBe(OTHER);
    expect(() => parseNarInfo(text(), { expectedHashPart, source: "k" })).toThrow(/k:1: StorePath hash part qhr2/);
  });

  it("an empty References line may be followed by one listing references", () => {
    const info = parseNarInfo(text(`References: ${OTHER.slice(11)}`));
    expect(info.references.map((reference) => reference.path)).toEqual([OTHER]);
  });

  it("Deriver: unknown-deriver after a real Deriver keeps the real one, as Nix does", () => {
    const info = parseNarInfo(text(`Deriver: ${OTHER.slice(11)}.drv`, "Deriver: unknown-deriver"));
    expect(info.deriver?.path).toBe(`${OTHER}.drv`);
  });

  it("sizes may carry a leading '+' (boost::lexical_cast), never a '-'", () => {
    expect(parseNarInfo(text("NarSize: +288")).narSize).toBe(288);
    expect(() => parseNarInfo(text("NarSize: -288"))).toThrow(/NarSize must be a non-negative decimal integer/);
  });

  it("every Compression name Nix knows is accepted", () => {
    for (const name of [
      "none",
      "br",
      "bzip2",
      "compress",
      "grzip",
      "gzip",
      "lrzip",
      "lz4",
      "lzip",
      "lzma",
      "lzop",
      "xz",
      "zstd",
    ]) {
      expect(parseNarInfo(text(`Compression: ${name}`)).compression).toBe(name);
    }
  });

  it("hashes accept an SRI NarHash without '=' padding", () => {
    const info = parseNarInfo(text("NarHash: sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY"));
    expect(info.narHash.toString()).toBe(HASH);
  });
});

describe("unknown narinfo lines are kept", () => {
  const withSystem = text(
    "Sig: cache.example.org-1:AAAA",
    `CA: fixed:r:sha256:${CA_HASH}`,
    "System: x86_64-linux",
    "X-Empty: ",
  );

  it("parseNarInfo keeps them in file order, wherever they stand", () => {
    const lines = withSystem.split("\n");
    lines.splice(2, 0, "Zzz: first");
    const info = parseNarInfo(lines.join("\n"));
    expect(info.extraFields).toEqual([
      ["Zzz", "first"],
      ["System", "x86_64-linux"],
      ["X-Empty", ""],
    ]);
  });

  it("formatNarInfo writes them after every known field, so parse -> format is the identity", () => {
    expect(formatNarInfo(parseNarInfo(withSystem))).toBe(withSystem);
  });

  it("a narinfo without unknown lines has no extraFields", () => {
    expect(parseNarInfo(text()).extraFields).toBeUndefined();
  });

  it("they do not change the fingerprint", () => {
    const info = parseNarInfo(withSystem);
    const { extraFields, ...known } = info;
    expect(extraFields).toHaveLength(2);
    expect(fingerprint(info)).toBe(fingerprint(known));
    expect(fingerprint(info)).toBe(`1;${PATH};${HASH};288;`);
  });

  it.each<[string, [string, string], RegExp]>([
    ["a known key", ["URL", "nar/evil.nar"], /extra field "URL" is a known narinfo field/],
    ["a ':' in the name", ["A:B", "c"], /extra field name "A:B" must not contain ':'/],
    ["a line break in the name", ["A\nURL", "c"], /must not contain ':' or a line break/],
    [
      "a line break in the value",
      ["System", "x\nURL: nar/evil.nar"],
      /extra field System must not contain a line break/,
    ],
  ])("formatNarInfo refuses %s", (_label, field, rule) => {
    const info = { ...parseNarInfo(text()), extraFields: [field] as const, narHash: hashBytes("sha256", "") };
    expect(() => formatNarInfo(info)).toThrow(NarInfoFormatError);
    expect(() => formatNarInfo(info)).toThrow(rule);
  });
});
