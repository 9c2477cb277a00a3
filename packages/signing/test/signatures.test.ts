// Signing fingerprints and checking signatures: a known Ed25519 vector, sign-then-verify, tampering, wrong keys,
// several keys at once, and every malformed signature refused with a SignatureError.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SignatureError,
  TrustedKeys,
  formatSignature,
  generateSecretKey,
  parseSecretKey,
  parseSignature,
  signFingerprint,
  signWithKeys,
  toPublicKey,
  type SignatureErrorCode,
} from "../src/index.js";

const FINGERPRINT =
  "1;/nix/store/qpfm5f7fnm2b3bgd9647wd1vybfh0vrl-narwhal-sig-test;" +
  "sha256:04mma1qamsmvvnv9r55wsph9nylxlv49kkr5br98hyq38s7wa5z1;168;" +
  "/nix/store/n09l8hdkyzawcir5hpmwkam1sham47vh-narwhal-dep";

function expectSignatureError(action: () => unknown, code: SignatureErrorCode, ...messageParts: string[]): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SignatureError);
  const error = caught as SignatureError;
  expect(error.code).toBe(code);
  for (const part of messageParts) expect(error.message).toContain(part);
}

describe("signing", () => {
  it("reproduces RFC 8032 test 2 (one-byte message 0x72)", () => {
    const seed = Buffer.from("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "hex");
    const publicKey = Buffer.from("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "hex");
    const secret = parseSecretKey(`rfc-2:${Buffer.concat([seed, publicKey]).toString("base64")}`);
    const expected =
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
    const signature = parseSignature(signFingerprint(secret, "r"));
    expect(signature.keyName).toBe("rfc-2");
    expect(Buffer.from(signature.signature).toString("hex")).toBe(expected);
  });

  it("produces `<name>:<88 chars of padded Base64>` that verifies with the matching public key", () => {
    const secret = generateSecretKey("cache.example.org-1");
    const signature = signFingerprint(secret, FINGERPRINT);
    expect(signature).toMatch(/^cache\.example\.org-1:[A-Za-z0-9+/]{86}==$/);
    expect(TrustedKeys.from([toPublicKey(secret)]).verify(FINGERPRINT, signature)).toBe(true);
  });

  it("fails verification for any change to the fingerprint", () => {
    const secret = generateSecretKey("k-1");
    const trusted = TrustedKeys.from([toPublicKey(secret)]);
    const signature = signFingerprint(secret, FINGERPRINT);
    fc.assert(
      fc.property(
        fc.nat({ max: FINGERPRINT.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (index, replacement) => {
          fc.pre(FINGERPRINT[index] !== replacement);
          const tampered = FINGERPRINT.slice(0, index) + replacement + FINGERPRINT.slice(index + 1);
          expect(trusted.verify(tampered, signature)).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
    expect(trusted.verify(`${FINGERPRINT}x`, signature)).toBe(false);
  });

  it("fails verification when a different key of the same name is trusted", () => {
    const signer = generateSecretKey("k-1");
    const impostor = generateSecretKey("k-1");
    expect(TrustedKeys.from([toPublicKey(impostor)]).verify(FINGERPRINT, signFingerprint(signer, FINGERPRINT))).toBe(
      false,
    );
  });

  it("fails verification when the signature is renamed to another trusted key", () => {
    const signer = generateSecretKey("k-1");
    const other = generateSecretKey("k-2");
    const trusted = TrustedKeys.from([toPublicKey(signer), toPublicKey(other)]);
    const renamed = signFingerprint(signer, FINGERPRINT).replace(/^k-1:/, "k-2:");
    expect(trusted.verify(FINGERPRINT, renamed)).toBe(false);
  });

  it("signs with several keys in key order, once per name", () => {
    const first = generateSecretKey("a-2");
    const second = generateSecretKey("a-1");
    const sameNameAsFirst = generateSecretKey("a-2");
    const signatures = signWithKeys([first, second, sameNameAsFirst], FINGERPRINT);
    expect(signatures.map((signature) => parseSignature(signature).keyName)).toEqual(["a-2", "a-1"]);
    expect(signatures[0]).toBe(signFingerprint(first, FINGERPRINT));
    const trusted = TrustedKeys.from([toPublicKey(first), toPublicKey(second)]);
    expect(signatures.every((signature) => trusted.verify(FINGERPRINT, signature))).toBe(true);
    expect(signWithKeys([], FINGERPRINT)).toEqual([]);
  });

  it("is deterministic (Ed25519 signatures depend only on key and message)", () => {
    const secret = generateSecretKey("k-1");
    expect(signFingerprint(secret, FINGERPRINT)).toBe(signFingerprint(secret, FINGERPRINT));
  });
});

describe("parseSignature", () => {
  it("round-trips through formatSignature", () => {
    const text = signFingerprint(generateSecretKey("k-1"), FINGERPRINT);
    expect(formatSignature(parseSignature(text))).toBe(text);
  });

  it("refuses a signature without ':'", () => {
    expectSignatureError(
      () => parseSignature("abc", "Sig line 1"),
      "SIG_MISSING_COLON",
      "Sig line 1",
      "3 characters, not shown",
    );
  });

  it("refuses an empty key name", () => {
    expectSignatureError(() => parseSignature(`:${"A".repeat(86)}==`), "SIG_EMPTY_NAME", "signature", "empty");
  });

  it("refuses characters outside the Base64 alphabet", () => {
    expectSignatureError(() => parseSignature("k-1:AAAA AAAA"), "SIG_BAD_BASE64", "space", "offset 8");
  });

  it("refuses a signature that is not 64 bytes", () => {
    expectSignatureError(() => parseSignature(`k-1:${"A".repeat(84)}==`), "SIG_WRONG_LENGTH", "63 bytes", "64 bytes");
    expectSignatureError(() => parseSignature("k-1:"), "SIG_WRONG_LENGTH", "0 bytes");
  });
});
