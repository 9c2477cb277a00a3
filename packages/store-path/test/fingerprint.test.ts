import { createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FingerprintError, fingerprint, hashBytes, parseHash, parseNarInfo, parseStorePath } from "../src/index.js";
import { describeWithNix, pathInfo } from "./support/real-nix.js";
import { type RealNixCache, buildRealNixCache } from "./support/nix-cache.js";

const SELF = parseStorePath("/nix/store/4x874p0lcnwsa8adsc4k4zdbavicz0j9-r");
const D = parseStorePath("/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d");
const ZERO = parseStorePath("/nix/store/00000000000000000000000000000000-z");
const NAR_HASH = parseHash("sha256:17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3");

describe("fingerprint", () => {
  it("joins version, path, nix32 NarHash, size and sorted full reference paths", () => {
    expect(fingerprint({ storePath: SELF, narHash: NAR_HASH, narSize: 168, references: [D, SELF, ZERO, D] })).toBe(
      `1;${SELF.path};sha256:17ah7q00ix66y8bis3kf50vyimvj9700y5ys22pbcb29229nyma3;168;${ZERO.path},${SELF.path},${D.path}`,
    );
  });

  it("ends with ';' when there are no references", () => {
    expect(fingerprint({ storePath: D, narHash: NAR_HASH, narSize: 1, references: [] })).toMatch(/;1;$/);
  });

  it("refuses NarSize 0 and other unusable sizes", () => {
    const input = { storePath: D, narHash: NAR_HASH, references: [] };
    expect(() => fingerprint({ ...input, narSize: 0 })).toThrow(FingerprintError);
    expect(() => fingerprint({ ...input, narSize: 0 })).toThrow(/NarSize is 0/);
    expect(() => fingerprint({ ...input, narSize: -3 })).toThrow(/positive safe integer/);
    expect(() => fingerprint({ ...input, narSize: 2 ** 60 })).toThrow(/positive safe integer/);
  });

  it("refuses references from another store directory", () => {
    const foreign = parseStorePath("/opt/s/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d", "/opt/s");
    expect(() =>
      fingerprint({ storePath: D, narHash: hashBytes("sha256", ""), narSize: 1, references: [foreign] }),
    ).toThrow(/not in store directory/);
  });
});

describeWithNix("fingerprint against real Nix", () => {
  let cache: RealNixCache;
  beforeAll(() => {
    cache = buildRealNixCache();
  });
  afterAll(() => cache?.remove());

  it("is what Nix signed: the Sig in Nix's narinfo verifies over our fingerprint", () => {
    const [keyName, keyBase64] = cache.publicKey.split(":") as [string, string];
    const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(keyBase64, "base64")]);
    const publicKey = createPublicKey({ key: spki, format: "der", type: "spki" });
    for (const text of cache.narInfos.values()) {
      const info = parseNarInfo(text);
      const [sig] = info.sigs;
      expect(sig?.startsWith(`${keyName}:`)).toBe(true);
      const signature = Buffer.from(sig!.slice(keyName.length + 1), "base64");
      expect(verify(null, Buffer.from(fingerprint(info)), publicKey, signature)).toBe(true);
      // A different size must not verify: the check can fail.
      expect(verify(null, Buffer.from(fingerprint({ ...info, narSize: info.narSize + 1 })), publicKey, signature)).toBe(
        false,
      );
    }
  });

  it("uses the NarHash, NarSize and references `nix path-info --json` reports", () => {
    const info = pathInfo(cache.textPath);
    const ours = fingerprint({
      storePath: parseStorePath(info.path),
      narHash: parseHash(info.narHash),
      narSize: info.narSize,
      references: info.references.map((reference) => parseStorePath(reference)),
    });
    expect(ours).toBe(`1;${cache.textPath};${parseHash(info.narHash).toString()};${info.narSize};${cache.sourcePath}`);
  });
});
