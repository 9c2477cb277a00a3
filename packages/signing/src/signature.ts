// Detached Ed25519 signatures over narinfo fingerprints, written as Nix's `Sig:` value `<keyName>:<base64>`:
// signing with one or several secret keys, and parsing a signature string.

import { SignatureError, signatureErrorFor } from "./errors.js";
import { SIGNATURE_BYTES, privateKeyObjectFromSeed, signDetached } from "./ed25519.js";
import { formatNamedBase64, parseNamedBase64 } from "./key-file.js";
import { quoteForMessage, quotedKeyName } from "./message-text.js";
import { checkSecretKeyShape, type SecretKey } from "./secret-key.js";

/** A parsed `Sig:` value: which key signed, and the 64-byte Ed25519 signature. */
export interface Signature {
  readonly keyName: string;
  /** 64 bytes. */
  readonly signature: Uint8Array;
}

/**
 * Signs the UTF-8 bytes of a fingerprint (`1;<storePath>;<narHash>;<narSize>;<refs>`) and returns the
 * `<keyName>:<base64>` value Nix writes after `Sig: `.
 */
export function signFingerprint(secretKey: SecretKey, fingerprint: string): string {
  checkSecretKeyShape(secretKey);
  const signature = signDetached(privateKeyObjectFromSeed(secretKey.seed), fingerprintBytes(fingerprint));
  return formatSignature({ keyName: secretKey.name, signature });
}

/**
 * Signs with every key, in the order given, like Nix's `secret-keys` setting. When several keys share a name only the
 * first signs, so a narinfo never carries two different signatures under one name.
 */
export function signWithKeys(secretKeys: readonly SecretKey[], fingerprint: string): string[] {
  const seenNames = new Set<string>();
  const signatures: string[] = [];
  for (const secretKey of secretKeys) {
    if (seenNames.has(secretKey.name)) continue;
    seenNames.add(secretKey.name);
    signatures.push(signFingerprint(secretKey, fingerprint));
  }
  return signatures;
}

/**
 * Parses `<keyName>:<base64>` with Nix's rules (split at the first ':', '\n' skipped in the Base64); the Base64 must
 * decode to exactly 64 bytes. Errors show the key name (escaped), never the Base64.
 * @param source names the input in errors; defaults to "signature".
 */
export function parseSignature(text: string, source = "signature"): Signature {
  const shownName = quotedKeyName(text);
  const { name, bytes } = parseNamedBase64(text, signatureErrorFor(source, shownName));
  if (bytes.length !== SIGNATURE_BYTES) {
    throw new SignatureError(
      "SIG_WRONG_LENGTH",
      source,
      `the signature by key ${quoteForMessage(name)} decodes to ${bytes.length} bytes but an Ed25519 signature must be ${SIGNATURE_BYTES} bytes`,
    );
  }
  return { keyName: name, signature: bytes };
}

/** `<keyName>:<base64>` with padding, as in a narinfo `Sig:` line. */
export function formatSignature(signature: Signature): string {
  return formatNamedBase64(signature.keyName, signature.signature);
}

export function fingerprintBytes(fingerprint: string): Uint8Array {
  return new TextEncoder().encode(fingerprint);
}
