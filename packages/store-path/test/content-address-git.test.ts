import { createHash } from "node:crypto";
import { toNix32 } from "@narwhal/test-kit";
import { describe, expect, it } from "vitest";
import {
  ContentAddressError,
  StorePathConstructionError,
  formatContentAddress,
  makeContentAddressedPath,
  makeFixedOutputPath,
  parseContentAddress,
  parseHash,
  parseNarInfo,
  parseStorePath,
} from "../src/index.js";

// Git hashes from Nix's tests/functional/git-hashing/simple-sha1.sh and simple-sha256.sh (test0: a "Hello World\n" blob).
const BLOB_SHA1 = "557db03de997c86a4a028e1ebd3a1ceb225be238";
const BLOB_SHA256 = "7c5c8610459154bdde4984be72c48fb5d9c1c4ac793a6b5976fe38fd1b0b1284";

/**
 * The store path as Nix's store-dir-config.cc makeFixedOutputPath builds it for the git method, written out here
 * independently: inner = sha256("fixed:out:git:<algo>:<base16>:"), outer = sha256("output:out:sha256:<base16
 * inner>:<storeDir>:<name>"), XOR-folded to 20 bytes, nix32.
 */
function expectedGitPath(algorithm: string, hex: string, name: string, storeDir = "/nix/store"): string {
  const inner = createHash("sha256").update(`fixed:out:git:${algorithm}:${hex}:`).digest("hex");
  const outer = createHash("sha256").update(`output:out:sha256:${inner}:${storeDir}:${name}`).digest();
  const folded = Buffer.alloc(20);
  outer.forEach((byte, index) => {
    folded[index % 20]! ^= byte;
  });
  return `${storeDir}/${toNix32(folded)}-${name}`;
}

describe("git content addresses", () => {
  it.each([
    ["sha1", BLOB_SHA1],
    ["sha256", BLOB_SHA256],
  ])("parse fixed:git:%s:… and write it back in nix32 (content-address.cc render)", (algorithm, hex) => {
    const ca = parseContentAddress(`fixed:git:${algorithm}:${hex}`);
    expect(ca.method).toBe("git");
    expect(ca.hash.digest.toString("hex")).toBe(hex);
    const rendered = formatContentAddress(ca);
    expect(rendered).toBe(`fixed:git:${algorithm}:${toNix32(Buffer.from(hex, "hex"))}`);
    expect(formatContentAddress(parseContentAddress(rendered))).toBe(rendered);
  });

  it("refuses git with an algorithm other than sha1 or sha256", () => {
    expect(() => parseContentAddress(`fixed:git:md5:${"0".repeat(32)}`)).toThrow(ContentAddressError);
    expect(() => parseContentAddress(`fixed:git:md5:${"0".repeat(32)}`)).toThrow(
      /git content addresses use sha1 or sha256, got md5/,
    );
    expect(() =>
      makeFixedOutputPath({ method: "git", hash: parseHash(`sha512:${"0".repeat(128)}`), name: "x" }),
    ).toThrow(/git ingestion uses sha1 or sha256, got sha512/);
  });

  it.each([
    ["sha1", BLOB_SHA1, "hash-path"],
    ["sha256", BLOB_SHA256, "hash-path"],
    ["sha1", "e5c0a11a556801a5c9dcf330ca9d7e2c572697f4", "dummy"],
  ])("compute the store path with the fixed:out:git: fingerprint (%s)", (algorithm, hex, name) => {
    const ca = parseContentAddress(`fixed:git:${algorithm}:${hex}`);
    expect(makeContentAddressedPath(ca, { name }).path).toBe(expectedGitPath(algorithm, hex, name));
    expect(makeContentAddressedPath(ca, { name, storeDir: "/opt/store" }).path).toBe(
      expectedGitPath(algorithm, hex, name, "/opt/store"),
    );
  });

  it("differ from the flat and NAR paths of the same hash", () => {
    const hash = `sha256:${BLOB_SHA256}`;
    const paths = ["fixed:git:", "fixed:", "fixed:r:"].map(
      (prefix) => makeContentAddressedPath(parseContentAddress(`${prefix}${hash}`), { name: "x" }).path,
    );
    expect(new Set(paths).size).toBe(3);
  });

  it("refuse references, as Nix's makeFixedOutputPath does for every method but NAR + sha256", () => {
    const ca = parseContentAddress(`fixed:git:sha256:${BLOB_SHA256}`);
    const reference = parseStorePath("/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d");
    expect(() => makeContentAddressedPath(ca, { name: "x", references: [reference] })).toThrow(
      StorePathConstructionError,
    );
    expect(() => makeContentAddressedPath(ca, { name: "x", hasSelfReference: true })).toThrow(
      /references are only allowed/,
    );
  });

  it("round-trip through a narinfo CA line", () => {
    const ca = `fixed:git:sha1:${toNix32(Buffer.from(BLOB_SHA1, "hex"))}`;
    const text = [
      "StorePath: /nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d",
      "URL: nar/a.nar",
      "Compression: none",
      "NarHash: sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247",
      "NarSize: 288",
      "References: ",
      `CA: ${ca}`,
      "",
    ].join("\n");
    const info = parseNarInfo(text);
    expect(info.ca?.method).toBe("git");
    expect(info.ca && formatContentAddress(info.ca)).toBe(ca);
  });
});
