// Bridges raw 32-byte Ed25519 seeds and public keys to Node's KeyObjects, which only import DER: a seed is wrapped
// as PKCS#8, a public key as SPKI. Also signs and verifies detached signatures over raw bytes.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

export const SEED_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** DER for PKCS#8 PrivateKeyInfo { version 0, algorithm id-Ed25519 (1.3.101.112), OCTET STRING { OCTET STRING seed } }. */
const PKCS8_SEED_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
/** DER for SubjectPublicKeyInfo { algorithm id-Ed25519, BIT STRING (0 unused bits) key }. */
const SPKI_KEY_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function privateKeyObjectFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: "der", type: "pkcs8" });
}

export function publicKeyObjectFromBytes(key: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_KEY_PREFIX, key]), format: "der", type: "spki" });
}

/** The 32-byte public key that belongs to a 32-byte seed. */
export function publicKeyBytesFromSeed(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObjectFromSeed(seed)).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(SPKI_KEY_PREFIX.length));
}

export function signDetached(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** False (never throws) when the signature does not match or the public key is not a usable curve point. */
export function verifyDetached(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}
