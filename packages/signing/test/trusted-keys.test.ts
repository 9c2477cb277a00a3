// The trusted key set: built from keys or from a trusted-public-keys string, looked up by name, and checking all of
// a narinfo's signatures with a report of which names were valid, unknown or bad.

import { describe, expect, it } from "vitest";
import {
  KeyError,
  TrustedKeys,
  formatPublicKey,
  generateSecretKey,
  signFingerprint,
  toPublicKey,
} from "../src/index.js";

const FINGERPRINT =
  "1;/nix/store/13xi1dd1r6l3k7p2zgiayad9nkzw6m5l-d;sha256:18l2zj8v9v7ywhnxhbvn50dldj0h6nzfi1nii2xd79nkj6ivx2cm;288;";

describe("TrustedKeys", () => {
  const alpha = generateSecretKey("alpha-1");
  const beta = generateSecretKey("beta-1");
  const stranger = generateSecretKey("stranger-1");

  it("parses a trusted-public-keys string separated by any whitespace", () => {
    const setting = `  ${formatPublicKey(toPublicKey(alpha))}\n\t${formatPublicKey(toPublicKey(beta))} \r\n`;
    const trusted = TrustedKeys.from(setting);
    expect(trusted.names()).toEqual(["alpha-1", "beta-1"]);
    expect(trusted.size).toBe(2);
    expect(trusted.has("beta-1")).toBe(true);
    expect(trusted.get("alpha-1")).toEqual(toPublicKey(alpha));
    expect(trusted.get("nobody")).toBeUndefined();
    expect(TrustedKeys.from("").size).toBe(0);
  });

  it("accepts key objects and key strings mixed, and a key listed twice", () => {
    const trusted = TrustedKeys.from([toPublicKey(alpha), formatPublicKey(toPublicKey(beta)), toPublicKey(alpha)]);
    expect(trusted.names()).toEqual(["alpha-1", "beta-1"]);
  });

  it("refuses two different keys under one name", () => {
    const impostor = generateSecretKey("alpha-1");
    const setting = `${formatPublicKey(toPublicKey(alpha))} ${formatPublicKey(toPublicKey(impostor))}`;
    let caught: unknown;
    try {
      TrustedKeys.from(setting);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyError);
    expect((caught as KeyError).code).toBe("KEY_DUPLICATE_NAME");
    expect((caught as KeyError).message).toContain("trusted-public-keys entry 2");
    expect((caught as KeyError).message).toContain('"alpha-1"');
  });

  it("names the bad entry of a trusted-public-keys string", () => {
    expect(() => TrustedKeys.from(`${formatPublicKey(toPublicKey(alpha))} beta-1:AAAA`, "nix.conf")).toThrow(
      /nix\.conf entry 2: .*3 bytes/,
    );
  });

  it("does not change when the keys it was built from are mutated", () => {
    const publicKey = toPublicKey(alpha);
    const trusted = TrustedKeys.from([publicKey]);
    (publicKey.key as Uint8Array).fill(0);
    expect(trusted.verify(FINGERPRINT, signFingerprint(alpha, FINGERPRINT))).toBe(true);
  });

  it("never verifies a malformed signature or one from an unknown key", () => {
    const trusted = TrustedKeys.from([toPublicKey(alpha)]);
    expect(trusted.verify(FINGERPRINT, signFingerprint(stranger, FINGERPRINT))).toBe(false);
    expect(trusted.verify(FINGERPRINT, "alpha-1:AAAA")).toBe(false);
    expect(trusted.verify(FINGERPRINT, "garbage")).toBe(false);
    expect(TrustedKeys.from([]).verify(FINGERPRINT, signFingerprint(alpha, FINGERPRINT))).toBe(false);
  });

  it("reports which signatures of a narinfo are valid, unknown and bad", () => {
    const trusted = TrustedKeys.from([toPublicKey(alpha), toPublicKey(beta)]);
    const forged = signFingerprint(stranger, FINGERPRINT).replace(/^stranger-1:/, "beta-1:");
    const signatures = [
      signFingerprint(stranger, FINGERPRINT),
      forged,
      "not a signature",
      signFingerprint(alpha, FINGERPRINT),
      signFingerprint(alpha, FINGERPRINT),
    ];
    expect(trusted.verifyAny(FINGERPRINT, signatures)).toEqual({
      valid: true,
      validKeyNames: ["alpha-1"],
      unknownKeyNames: ["stranger-1"],
      badSignatures: [
        { text: forged, keyName: "beta-1", reason: "mismatch" },
        { text: "not a signature", keyName: undefined, reason: "malformed" },
      ],
    });
  });

  it("is not valid when no trusted key signed this fingerprint", () => {
    const trusted = TrustedKeys.from([toPublicKey(alpha)]);
    const otherFingerprint = FINGERPRINT.replace(";288;", ";289;");
    const check = trusted.verifyAny(otherFingerprint, [signFingerprint(alpha, FINGERPRINT)]);
    expect(check.valid).toBe(false);
    expect(check.validKeyNames).toEqual([]);
    expect(check.badSignatures.map((bad) => bad.reason)).toEqual(["mismatch"]);
    expect(trusted.verifyAny(FINGERPRINT, []).valid).toBe(false);
  });
});
