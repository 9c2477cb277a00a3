import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ContentAddressError,
  formatContentAddress,
  hashBytes,
  makeContentAddressedPath,
  parseContentAddress,
  parseStorePath,
} from "../src/index.js";
import { describeWithNix, pathInfo } from "./support/real-nix.js";
import { type RealNixCache, buildRealNixCache } from "./support/nix-cache.js";

const NIX32 = "19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247";

describe("content addresses", () => {
  it.each([`fixed:r:sha256:${NIX32}`, `fixed:sha256:${NIX32}`, `text:sha256:${NIX32}`])("round-trips %s", (text) => {
    expect(formatContentAddress(parseContentAddress(text))).toBe(text);
  });

  it("reads the method and hash", () => {
    const ca = parseContentAddress(`fixed:r:sha256:${NIX32}`);
    expect(ca.method).toBe("recursive");
    expect(ca.hash.algorithm).toBe("sha256");
    expect(parseContentAddress(`fixed:sha1:${"0".repeat(40)}`).method).toBe("flat");
  });

  it("normalises other hash encodings to nix32 when writing", () => {
    const hash = hashBytes("sha256", "abc");
    const ca = parseContentAddress(`fixed:sha256:${hash.digest.toString("hex")}`);
    expect(formatContentAddress(ca)).toBe("fixed:sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
  });

  it.each([
    ["sha256:abc", /unknown prefix "sha256"/],
    ["nonsense", /expected "text:" or "fixed:"/],
    [`text:sha1:${"0".repeat(40)}`, /sha1 given where sha256 is required/],
    [`text:${NIX32}`, /"<algo>:<digest>"/],
    [`fixed:r:sha256-${hashBytes("sha256", "").digest.toString("base64")}`, /"<algo>:<digest>"/],
    ["fixed:sha256:short", /bad hash/],
  ])("rejects %s", (text, rule) => {
    expect(() => parseContentAddress(text)).toThrow(ContentAddressError);
    expect(() => parseContentAddress(text)).toThrow(rule);
  });

  it("refuses self-references for text content addresses", () => {
    expect(() =>
      makeContentAddressedPath(parseContentAddress(`text:sha256:${NIX32}`), { name: "t", hasSelfReference: true }),
    ).toThrow(/cannot refer to themselves/);
  });
});

describeWithNix("content addresses against real Nix", () => {
  let cache: RealNixCache;
  beforeAll(() => {
    cache = buildRealNixCache();
  });
  afterAll(() => cache?.remove());

  it("recompute the store path real Nix registered for source and text paths", () => {
    for (const path of [cache.sourcePath, cache.textPath]) {
      const info = pathInfo(path);
      expect(info.ca).toBeDefined();
      const ca = parseContentAddress(info.ca!);
      expect(formatContentAddress(ca)).toBe(info.ca);
      const storePath = parseStorePath(path);
      const references = info.references.map((reference) => parseStorePath(reference));
      expect(makeContentAddressedPath(ca, { name: storePath.name, references }).path).toBe(path);
    }
  });
});
