import { describe, expect, it } from "vitest";
import { HashFormatError, hashBytes, parseHash } from "../src/index.js";
import { describeWithNix, nix } from "./support/real-nix.js";

const ABC = hashBytes("sha256", "abc");
const ABC_BASE64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0";
const ABC512_BASE64 = "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw";
// src/libutil-tests/base-n.cc, Base64TrailParseTest (taken from Snix): one SHA-512 digest, five trailings.
const SNIX512 = "7g91TBvYoYQorRTqo+rYD/i5YnWvUBLnqDhPHxBJDaBW7smuPMeRp6E6JOFuVN9bzN0QnH1ToUU0u9c2CjALEQ";
const SNIX512_HEX =
  "ee0f754c1bd8a18428ad14eaa3ead80ff8b96275af5012e7a8384f1f10490da056eec9ae3cc791a7a13a24e16e54df5bccdd109c7d53a14534bbd7360a300b11";

/** What current Nix (hash.cc parseAnyPrefixed + base-n.cc base64::decode) accepts, with the digest it reads. */
const ACCEPTED: [string, string][] = [
  [`sha256-${ABC_BASE64}`, ABC.digest.toString("hex")], // hash-convert.sh: "for backward compatibility"
  [`sha512-${ABC512_BASE64}`, hashBytes("sha512", "abc").digest.toString("hex")],
  [`sha256-${ABC_BASE64}==`, ABC.digest.toString("hex")],
  ...["", "=", "==", "===", "== cheesecake"].map((tail): [string, string] => [`sha512-${SNIX512}${tail}`, SNIX512_HEX]),
  [`sha256-${ABC_BASE64.slice(0, 20)}\n${ABC_BASE64.slice(20)}=`, ABC.digest.toString("hex")], // '\n' is skipped
  [`sha256:${ABC_BASE64}=`, ABC.digest.toString("hex")],
];

/** What current Nix refuses. */
const REFUSED: [string, RegExp][] = [
  [`sha256:${ABC_BASE64}`, /must be 64 base16, 52 nix32 or 44 base64 characters, got 43/], // prefixed: by length
  [`sha256-${ABC_BASE64.slice(0, 42)}`, /decodes to 31 bytes/],
  [`sha256-${ABC_BASE64}A`, /decodes to 33 bytes/],
  [`sha256-${ABC_BASE64.slice(0, 42)}=A`, /decodes to 31 bytes/],
  [`sha256- ${ABC_BASE64}`, /character " " at 0/],
  [`sha256-${ABC_BASE64.slice(0, 42)}_=`, /character "_" at 42/],
];

describe("parseHash takes what current Nix takes", () => {
  it.each(ACCEPTED)("accepts %j", (text, hex) => {
    expect(parseHash(text).digest.toString("hex")).toBe(hex);
  });

  it.each(REFUSED)("refuses %j", (text, rule) => {
    expect(() => parseHash(text)).toThrow(HashFormatError);
    expect(() => parseHash(text)).toThrow(rule);
  });
});

describeWithNix("parseHash agrees with real Nix (nix hash to-base16)", () => {
  const nixReads = (text: string): string | undefined => {
    try {
      return nix("nix", ["hash", "to-base16", text]);
    } catch {
      return undefined;
    }
  };
  it.each([...ACCEPTED.map(([text]) => text), ...REFUSED.map(([text]) => text)])("on %j", (text) => {
    let ours: string | undefined;
    try {
      ours = parseHash(text).digest.toString("hex");
    } catch {
      ours = undefined;
    }
    expect(ours).toBe(nixReads(text));
  });
});
