// Nix secret keys (`<name>:<base64 of 32-byte seed ‖ 32-byte public key>`): generating, parsing with Nix's rules
// plus a consistency check, formatting, and deriving the matching public key.

import { randomBytes } from "node:crypto";
import { KeyError, keyErrorFor } from "./errors.js";
import { PUBLIC_KEY_BYTES, SEED_BYTES, publicKeyBytesFromSeed } from "./ed25519.js";
import { formatNamedBase64, keyNameProblem, parseNamedBase64 } from "./key-file.js";
import { quoteForMessage, quotedKeyName } from "./message-text.js";
import type { PublicKey } from "./public-key.js";

/** An Ed25519 signing key as Nix stores it: the seed and the public key that belongs to it. */
export interface SecretKey {
  readonly name: string;
  /** 32 bytes. */
  readonly seed: Uint8Array;
  /** 32 bytes; always the key derived from `seed`. */
  readonly publicKey: Uint8Array;
}

const SECRET_KEY_BYTES = SEED_BYTES + PUBLIC_KEY_BYTES;

/**
 * A fresh random key. The name should follow Nix's convention `<domain>-<number>` (e.g. "cache.example.org-1")
 * and may not be empty or contain ':', whitespace or control characters.
 */
export function generateSecretKey(name: string): SecretKey {
  const nameProblem = keyNameProblem(name, true);
  if (nameProblem !== undefined) {
    throw new KeyError(name === "" ? "KEY_EMPTY_NAME" : "KEY_INVALID_NAME", "new secret key", nameProblem);
  }
  const seed = new Uint8Array(randomBytes(SEED_BYTES));
  return { name, seed, publicKey: publicKeyBytesFromSeed(seed) };
}

/**
 * Parses a secret key file's text exactly as Nix reads it (verbatim; '\n' inside the Base64 is skipped, '\r' and
 * spaces are refused). It must decode to 64 bytes and its second half must be the public key of its first half.
 * Errors never echo the key material.
 * @param source names the input in errors, e.g. the file path; defaults to "secret key".
 */
export function parseSecretKey(text: string, source = "secret key"): SecretKey {
  const { name, bytes } = parseNamedBase64(text, keyErrorFor(source, quotedKeyName(text)));
  if (bytes.length !== SECRET_KEY_BYTES) {
    throw new KeyError(
      "KEY_WRONG_LENGTH",
      source,
      `the key ${quoteForMessage(name)} decodes to ${bytes.length} bytes but a secret key must be ${SECRET_KEY_BYTES} bytes ` +
        `(${SEED_BYTES}-byte seed followed by ${PUBLIC_KEY_BYTES}-byte public key)`,
    );
  }
  const seed = bytes.slice(0, SEED_BYTES);
  const publicKey = bytes.slice(SEED_BYTES);
  if (!sameBytes(publicKey, publicKeyBytesFromSeed(seed))) {
    throw new KeyError(
      "KEY_PUBLIC_HALF_MISMATCH",
      source,
      `the last ${PUBLIC_KEY_BYTES} bytes of secret key ${quoteForMessage(name)} are not the public key of its first ${SEED_BYTES} bytes (seed); the file is corrupt or spliced from two keys`,
    );
  }
  return { name, seed, publicKey };
}

/** `<name>:<base64>` with padding and no trailing newline, byte-identical to the file Nix writes. */
export function formatSecretKey(secretKey: SecretKey): string {
  checkSecretKeyShape(secretKey);
  return formatNamedBase64(secretKey.name, concatBytes(secretKey.seed, secretKey.publicKey));
}

/** The public half, named like the secret key, ready for `formatPublicKey` or `TrustedKeys`. */
export function toPublicKey(secretKey: SecretKey): PublicKey {
  checkSecretKeyShape(secretKey);
  return { name: secretKey.name, key: secretKey.publicKey.slice() };
}

/** Refuses a SecretKey value (possibly built by hand) that could not be written or used to sign. */
export function checkSecretKeyShape(secretKey: SecretKey): void {
  const source = `secret key ${quoteForMessage(secretKey.name)}`;
  const nameProblem = keyNameProblem(secretKey.name, false);
  if (nameProblem !== undefined) {
    throw new KeyError(secretKey.name === "" ? "KEY_EMPTY_NAME" : "KEY_INVALID_NAME", source, nameProblem);
  }
  if (secretKey.seed.length !== SEED_BYTES || secretKey.publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new KeyError(
      "KEY_WRONG_LENGTH",
      source,
      `seed is ${secretKey.seed.length} bytes and public key ${secretKey.publicKey.length} bytes; both must be 32 bytes`,
    );
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
