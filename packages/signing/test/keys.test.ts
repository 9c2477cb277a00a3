// Key files: generated keys round-trip through Nix's text format, and every malformed key is refused with a
// KeyError whose code and message name the source and the broken rule.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  KeyError,
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  parsePublicKey,
  parseSecretKey,
  toPublicKey,
  type KeyErrorCode,
} from "../src/index.js";

// RFC 8032 §7.1 test 1: a fixed seed and the public key it must give.
const RFC_SEED = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
const RFC_PUBLIC = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex");
const RFC_SECRET_TEXT = `rfc-1:${Buffer.concat([RFC_SEED, RFC_PUBLIC]).toString("base64")}`;
const RFC_PUBLIC_TEXT = `rfc-1:${RFC_PUBLIC.toString("base64")}`;

function keyErrorOf(action: () => unknown): KeyError {
  try {
    action();
  } catch (error) {
    if (error instanceof KeyError) return error;
    throw error;
  }
  throw new Error("expected a KeyError");
}

function expectKeyError(action: () => unknown, code: KeyErrorCode, ...messageParts: string[]): KeyError {
  const error = keyErrorOf(action);
  expect(error.code).toBe(code);
  for (const part of messageParts) expect(error.message).toContain(part);
  return error;
}

describe("secret and public key files", () => {
  it("derives the RFC 8032 public key from its seed", () => {
    const secret = parseSecretKey(RFC_SECRET_TEXT);
    expect(secret.name).toBe("rfc-1");
    expect(Buffer.from(secret.seed)).toEqual(RFC_SEED);
    expect(formatPublicKey(toPublicKey(secret))).toBe(RFC_PUBLIC_TEXT);
  });

  it("round-trips generated keys through their text form", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.-]{1,30}$/), (name) => {
        const secret = generateSecretKey(name);
        const secretText = formatSecretKey(secret);
        expect(secretText.startsWith(`${name}:`)).toBe(true);
        expect(secretText.endsWith("\n")).toBe(false);
        expect(secretText).toHaveLength(name.length + 1 + 88);
        expect(parseSecretKey(secretText)).toEqual(secret);
        const publicText = formatPublicKey(toPublicKey(secret));
        expect(publicText).toHaveLength(name.length + 1 + 44);
        expect(parsePublicKey(publicText)).toEqual(toPublicKey(secret));
      }),
      { numRuns: 30 },
    );
  });

  it("gives every generated key a different seed", () => {
    expect(generateSecretKey("a-1").seed).not.toEqual(generateSecretKey("a-1").seed);
  });

  it("accepts a newline at the end or inside the Base64, as Nix's decoder skips it", () => {
    const [name, payload] = RFC_SECRET_TEXT.split(":") as [string, string];
    const wrapped = `${name}:${payload.slice(0, 40)}\n${payload.slice(40)}\n`;
    expect(parseSecretKey(wrapped)).toEqual(parseSecretKey(RFC_SECRET_TEXT));
    expect(parsePublicKey(`${RFC_PUBLIC_TEXT}\n`)).toEqual(parsePublicKey(RFC_PUBLIC_TEXT));
  });

  it("ignores whatever follows the '=' padding, as Nix 2.8 does (a CRLF-edited key file still works)", () => {
    expect(parseSecretKey(`${RFC_SECRET_TEXT}\r\n`)).toEqual(parseSecretKey(RFC_SECRET_TEXT));
    expect(parsePublicKey(`${RFC_PUBLIC_TEXT} trailing`)).toEqual(parsePublicKey(RFC_PUBLIC_TEXT));
  });

  it("splits at the first ':' like Nix", () => {
    expect(() => parsePublicKey(`a:b:${RFC_PUBLIC.toString("base64")}`)).toThrow(KeyError);
  });

  describe("refuses", () => {
    it("a key without ':' and names the source file", () => {
      const error = expectKeyError(
        () => parseSecretKey("no-colon-here", "/etc/nix/sk"),
        "KEY_MISSING_COLON",
        "/etc/nix/sk",
        "no ':'",
      );
      expect(error.source).toBe("/etc/nix/sk");
      // a text without ':' may be a bare Base64 payload, so it is described, never shown
      const bare = expectKeyError(
        () => parsePublicKey("nocolon"),
        "KEY_MISSING_COLON",
        "public key",
        "7 characters, not shown",
      );
      expect(bare.message).not.toContain("nocolon");
    });

    it("an empty name", () => {
      expectKeyError(() => parseSecretKey(`:${RFC_SECRET_TEXT.split(":")[1]}`), "KEY_EMPTY_NAME", "secret key", "name");
      expectKeyError(() => parsePublicKey(`:${RFC_PUBLIC.toString("base64")}`), "KEY_EMPTY_NAME", "public key");
    });

    it("a carriage return inside the Base64, with its offset", () => {
      const [name, payload] = RFC_SECRET_TEXT.split(":") as [string, string];
      expectKeyError(
        () => parseSecretKey(`${name}:${payload.slice(0, 40)}\r\n${payload.slice(40)}`, "sk.txt"),
        "KEY_BAD_BASE64",
        "sk.txt",
        "'\\r' (0x0d)",
        "offset 46",
      );
      expectKeyError(
        () => parsePublicKey(`rfc-1:${RFC_PUBLIC.toString("base64").replace("=", "")}\r\n`),
        "KEY_BAD_BASE64",
        "'\\r'",
      );
    });

    it("spaces inside the Base64, including one after the colon", () => {
      expectKeyError(
        () => parsePublicKey(`rfc-1: ${RFC_PUBLIC.toString("base64")}`),
        "KEY_BAD_BASE64",
        "space",
        "offset 6",
      );
      expectKeyError(
        () => parseSecretKey(`rfc-1:${RFC_SEED.toString("base64").slice(0, 8)} x`),
        "KEY_BAD_BASE64",
        "space",
      );
    });

    it("a secret key of the wrong length, without echoing key material", () => {
      const payload = RFC_SEED.toString("base64");
      const error = expectKeyError(
        () => parseSecretKey(`rfc-1:${payload}`),
        "KEY_WRONG_LENGTH",
        "32 bytes",
        "must be 64 bytes",
      );
      expect(error.message).not.toContain(payload);
      expectKeyError(() => parseSecretKey("rfc-1:"), "KEY_WRONG_LENGTH", "0 bytes");
    });

    it("a public key given where a secret key is expected, and vice versa", () => {
      expectKeyError(() => parseSecretKey(RFC_PUBLIC_TEXT), "KEY_WRONG_LENGTH", "32 bytes", "64");
      expectKeyError(
        () => parsePublicKey(RFC_SECRET_TEXT),
        "KEY_IS_SECRET",
        '"rfc-1" looks like a secret key (64 bytes)',
        "convert-secret-to-public",
      );
    });

    it("an empty public key", () => {
      expectKeyError(() => parsePublicKey("rfc-1:"), "KEY_WRONG_LENGTH", "0 bytes");
    });

    it("a secret key whose public half does not belong to its seed", () => {
      const other = generateSecretKey("other-1");
      const spliced = `rfc-1:${Buffer.concat([RFC_SEED, other.publicKey]).toString("base64")}`;
      expectKeyError(() => parseSecretKey(spliced), "KEY_PUBLIC_HALF_MISMATCH", '"rfc-1"', "not the public key");
    });

    it("names that cannot be written or trusted when generating", () => {
      expectKeyError(() => generateSecretKey(""), "KEY_EMPTY_NAME", "empty");
      expectKeyError(() => generateSecretKey("a:b"), "KEY_INVALID_NAME", "':'");
      expectKeyError(() => generateSecretKey("my key"), "KEY_INVALID_NAME", "whitespace");
      expectKeyError(() => generateSecretKey("k\r"), "KEY_INVALID_NAME", "control");
    });

    it("hand-built keys of the wrong shape when formatting", () => {
      const secret = generateSecretKey("ok-1");
      expectKeyError(() => formatSecretKey({ ...secret, name: "a:b" }), "KEY_INVALID_NAME", "':'");
      expectKeyError(() => formatSecretKey({ ...secret, seed: secret.seed.slice(1) }), "KEY_WRONG_LENGTH", "31 bytes");
      expectKeyError(() => formatPublicKey({ name: "", key: secret.publicKey }), "KEY_EMPTY_NAME");
      expectKeyError(() => formatPublicKey({ name: "ok-1", key: new Uint8Array(33) }), "KEY_WRONG_LENGTH", "33 bytes");
    });
  });
});
