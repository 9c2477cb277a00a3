import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Nix32Error, decodeNix32, encodeNix32, nix32DecodedLength, nix32EncodedLength } from "../src/index.js";
import { describeWithNix, nix } from "./support/real-nix.js";

describe("nix32", () => {
  it("encodes sha256('abc') to the documented vector", () => {
    const digest = createHash("sha256").update("abc").digest();
    expect(encodeNix32(digest)).toBe("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
    expect(decodeNix32("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s").equals(digest)).toBe(true);
  });

  it("uses 52 characters for 32 bytes and 32 for 20 bytes", () => {
    expect(nix32EncodedLength(32)).toBe(52);
    expect(nix32EncodedLength(20)).toBe(32);
    expect(nix32EncodedLength(16)).toBe(26);
    expect(nix32EncodedLength(64)).toBe(103);
    expect(nix32DecodedLength(52)).toBe(32);
    expect(nix32DecodedLength(3)).toBeUndefined();
  });

  it("round-trips any byte string", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = encodeNix32(bytes);
        expect(text).toHaveLength(nix32EncodedLength(bytes.length));
        expect([...decodeNix32(text, bytes.length)]).toEqual([...bytes]);
      }),
    );
  });

  it("rejects characters outside the alphabet, naming the input", () => {
    const bad = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e";
    expect(() => decodeNix32(bad)).toThrow(Nix32Error);
    expect(() => decodeNix32(bad)).toThrow(/"e" is not in the nix32 alphabet/);
    expect(() => decodeNix32(bad)).toThrow(bad);
    expect(() => decodeNix32("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicyAs")).toThrow(
      /not in the nix32 alphabet/,
    );
  });

  it("rejects a length that does not match the target size", () => {
    expect(() => decodeNix32("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", 20)).toThrow(
      /expected 32 characters for 20 bytes, got 52/,
    );
    expect(() => decodeNix32("abc")).toThrow(/length 3 is not the nix32 length/);
  });

  it("rejects a first character that sets bits beyond the value, as nix-hash does", () => {
    // 52 chars hold 260 bits; a 32-byte value has 256, so the first char only carries bit 255 (0 or 1).
    expect(() => decodeNix32(`2${"0".repeat(51)}`)).toThrow(/beyond the 32-byte value/);
    expect(decodeNix32(`1${"0".repeat(51)}`)[31]).toBe(0x80);
    try {
      decodeNix32(`z${"0".repeat(51)}`);
      expect.unreachable();
    } catch (error) {
      expect((error as Nix32Error).code).toBe("ERR_NIX32");
    }
  });
});

describeWithNix("nix32 against real nix-hash", () => {
  const algorithms = [
    ["md5", 16],
    ["sha1", 20],
    ["sha256", 32],
    ["sha512", 64],
  ] as const;

  it("matches `nix-hash --to-base32` and `--to-base16` for random digests", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...algorithms)
          .chain(([algorithm, size]) =>
            fc.tuple(fc.constant(algorithm), fc.constant(size), fc.uint8Array({ minLength: size, maxLength: size })),
          ),
        ([algorithm, size, digest]) => {
          const hex = Buffer.from(digest).toString("hex");
          const ours = encodeNix32(digest);
          expect(nix("nix-hash", ["--type", algorithm, "--to-base32", hex])).toBe(ours);
          expect(nix("nix-hash", ["--type", algorithm, "--to-base16", ours])).toBe(hex);
          expect(decodeNix32(ours, size).toString("hex")).toBe(hex);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("agrees with nix-hash on which overflowing first characters are refused", () => {
    for (const first of ["1", "2", "z"]) {
      const text = `${first}${"0".repeat(51)}`;
      let nixAccepts = true;
      try {
        nix("nix-hash", ["--type", "sha256", "--to-base16", text]);
      } catch {
        nixAccepts = false;
      }
      let weAccept = true;
      try {
        decodeNix32(text, 32);
      } catch {
        weAccept = false;
      }
      expect(weAccept).toBe(nixAccepts);
    }
  });
});
