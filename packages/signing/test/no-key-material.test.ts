// No error of @narwhal/signing echoes key material: every refusal of a secret key, public key, trusted-key list or
// signature names the input by its key name (escaped) and the rule, never by its Base64 payload.

import { describe, expect, it } from "vitest";
import {
  KeyError,
  SignatureError,
  TrustedKeys,
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  parsePublicKey,
  parseSecretKey,
  parseSignature,
  toPublicKey,
} from "../src/index.js";

function messageOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    if (error instanceof KeyError || error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error("expected a KeyError or SignatureError");
}

/** Every run of 8+ Base64 characters of the payload, so a partial echo is caught too. */
function expectNoPayload(message: string, keyText: string): void {
  const payload = keyText.slice(keyText.indexOf(":") + 1).replace(/[^A-Za-z0-9+/]/g, "");
  expect(payload.length).toBeGreaterThan(8);
  for (let start = 0; start + 8 <= payload.length; start += 4)
    expect(message).not.toContain(payload.slice(start, start + 8));
}

describe("a secret key given where a public key is expected", () => {
  const secret = generateSecretKey("mykey");
  const secretText = formatSecretKey(secret);

  it("is refused by parsePublicKey naming the key and the rule, without its Base64", () => {
    const error = messageOf(() => parsePublicKey(secretText, "--trusted-public-keys entry 1"));
    expect((error as KeyError).code).toBe("KEY_IS_SECRET");
    expect(error.message).toBe(
      '--trusted-public-keys entry 1: "mykey" looks like a secret key (64 bytes); expected a public key (32 bytes) — ' +
        "give its public half, see `narwhal key convert-secret-to-public`",
    );
    expectNoPayload(error.message, secretText);
  });

  it("is refused in a trusted-public-keys list, also after a valid entry and with a trailing newline", () => {
    const good = formatPublicKey(toPublicKey(generateSecretKey("good-1")));
    const error = messageOf(() => TrustedKeys.from(`${good}\n${secretText}\n`, "trusted-public-keys (nix.conf)"));
    expect(error.message).toContain("trusted-public-keys (nix.conf) entry 2");
    expect(error.message).toContain('"mykey" looks like a secret key');
    expectNoPayload(error.message, secretText);
  });
});

describe("malformed keys are named by their name part only", () => {
  const secretText = formatSecretKey(generateSecretKey("k-1"));
  const payload = secretText.slice(4);

  it("a public key of the wrong length", () => {
    const text = `k-1:${payload.slice(0, 60)}`;
    const error = messageOf(() => parsePublicKey(text));
    expect(error.message).toContain('"k-1"');
    expect(error.message).toContain("45 bytes");
    expectNoPayload(error.message, text);
  });

  it("a key without ':' (a bare Base64 payload) is not echoed at all", () => {
    for (const parse of [parsePublicKey, parseSecretKey]) {
      const error = messageOf(() => parse(payload));
      expect((error as KeyError).code).toBe("KEY_MISSING_COLON");
      expectNoPayload(error.message, `:${payload}`);
    }
  });

  it("bad Base64 names the character and offset, never the rest", () => {
    const text = `k-1:${payload.slice(0, 30)}\r${payload.slice(30)}`;
    for (const parse of [parsePublicKey, parseSecretKey]) {
      const error = messageOf(() => parse(text));
      expect(error.message).toContain("'\\r'");
      expectNoPayload(error.message, text);
    }
  });

  it("a secret key of the wrong length or with a spliced public half", () => {
    expectNoPayload(messageOf(() => parseSecretKey(`k-1:${payload.slice(0, 80)}`)).message, secretText);
    const other = generateSecretKey("k-1");
    const spliced = `k-1:${Buffer.concat([Buffer.from(payload, "base64").subarray(0, 32), other.publicKey]).toString("base64")}`;
    const error = messageOf(() => parseSecretKey(spliced, "/etc/nix/k.sec"));
    expect((error as KeyError).code).toBe("KEY_PUBLIC_HALF_MISMATCH");
    expectNoPayload(error.message, spliced);
  });

  it("a malformed signature is named by its key name, not its Base64", () => {
    const sig = `cache-1:${payload.slice(0, 40)}`;
    const error = messageOf(() => parseSignature(sig, "Sig line 3"));
    expect(error.message).toContain('"cache-1"');
    expectNoPayload(error.message, sig);
    expectNoPayload(messageOf(() => parseSignature(payload)).message, `:${payload}`);
  });

  it("escapes control characters, DEL and C1 in the name it shows", () => {
    const text = `evil\u001b[31m\u007f\u009b:${payload.slice(0, 20)}`;
    const error = messageOf(() => parsePublicKey(text));
    expect(error.message).toContain('"evil\\u001b[31m\\u007f\\u009b"');
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const sigError = messageOf(() => parseSignature(`evil\u009b2J:AAAA`));
    expect(sigError.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it("escapes the name of a hand-built key and of a duplicate trusted name", () => {
    const secret = generateSecretKey("ok-1");
    const error = messageOf(() => formatSecretKey({ ...secret, name: "a:\u001b[2J", seed: secret.seed.slice(1) }));
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const a = toPublicKey(generateSecretKey("ok-1"));
    const b = toPublicKey(generateSecretKey("ok-1"));
    const dup = messageOf(() =>
      TrustedKeys.from([
        { ...a, name: "x\u009b" },
        { ...b, name: "x\u009b" },
      ]),
    );
    expect(dup.message).toContain('"x\\u009b"');
    expect(dup.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
