import { describe, expect, it } from "vitest";
import { HashSink, formatHash, hashBytes, hashStream, parseHash } from "../src/index.js";

/** The official BLAKE3 test vectors' input: bytes 0, 1, …, 250 repeated (BLAKE3-team/BLAKE3 test_vectors.json). */
const officialInput = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, index) => index % 251));

// First 32 bytes of the "hash" output of the official vectors (Nix uses the 256-bit default output).
const OFFICIAL: [number, string][] = [
  [0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"],
  [1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"],
  [1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"],
  [1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"],
  [1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"],
  [2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"],
];

describe("BLAKE3", () => {
  it.each(OFFICIAL)("hashes the official %i-byte vector", (length, hex) => {
    expect(hashBytes("blake3", officialInput(length)).digest.toString("hex")).toBe(hex);
  });

  it.each(OFFICIAL)("streams the official %i-byte vector in uneven chunks to the same hash", async (length, hex) => {
    const input = officialInput(length);
    const chunks: Buffer[] = [];
    for (let at = 0, size = 1; at < input.length; at += size, size = ((size * 7) % 97) + 1)
      chunks.push(input.subarray(at, at + size));
    const { hash, size } = await hashStream("blake3", chunks);
    expect(size).toBe(length);
    expect(hash.digest.toString("hex")).toBe(hex);
    const sink = new HashSink("blake3");
    for (const chunk of chunks) sink.update(chunk);
    expect(sink.finish().hash.digest.toString("hex")).toBe(hex);
  });

  // src/libutil-tests/hash.cc (testKnownBLAKE3Hashes1-3) and data/hash/blake3.json
  it.each([
    ["abc", "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "blake3:c19012cc2aaf0dc3d8e5c45a1b79114d2df42abb2a410bf54be09e891af06ff8",
    ],
    ["IETF", "blake3:83a2de1ee6f4e6ab686889248f4ec0cf4cc5709446a682ffd1cbb4d6165181e2"],
  ])("matches Nix's test: blake3(%j) in base16", (input, expected) => {
    expect(formatHash(hashBytes("blake3", input), "base16")).toBe(expected);
  });

  it('matches Nix\'s JSON fixture: blake3("asdf") in SRI', () => {
    expect(formatHash(hashBytes("blake3", "asdf"), "sri")).toBe("blake3-nnDuFEmWX7YtBJBAoe0G7Dd0MNpuwTFz58T//NKL6YA=");
  });

  it("parses and formats blake3 in SRI, base16, nix32 and base64", () => {
    const hash = hashBytes("blake3", "abc");
    for (const format of ["sri", "base16", "nix32", "base64"] as const) {
      const text = formatHash(hash, format);
      expect(text.startsWith(format === "sri" ? "blake3-" : "blake3:")).toBe(true);
      expect(parseHash(text).equals(hash)).toBe(true);
      expect(parseHash(text, "blake3").algorithm).toBe("blake3");
    }
    expect(formatHash(hash, "nix32")).toMatch(/^blake3:[0-9a-z]{52}$/);
    expect(parseHash("blake3-nnDuFEmWX7YtBJBAoe0G7Dd0MNpuwTFz58T//NKL6YA").equals(hashBytes("blake3", "asdf"))).toBe(
      true,
    );
  });

  it("is not confused with sha256, which has the same digest size", () => {
    const blake = parseHash("blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
    const sha = parseHash("sha256:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
    expect(blake.equals(sha)).toBe(false);
    expect(() => parseHash(formatHash(blake), "sha256")).toThrow(/algorithm blake3 given where sha256 is required/);
  });
});
