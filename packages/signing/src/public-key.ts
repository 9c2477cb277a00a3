// Nix public keys (`<name>:<base64 of 32 bytes>`, as in a .pub file or one trusted-public-keys entry):
// the type, parsing with Nix's rules plus clear errors, and formatting.

import { KeyError, keyErrorFor } from "./errors.js";
import { PUBLIC_KEY_BYTES, SEED_BYTES } from "./ed25519.js";
import { formatNamedBase64, keyNameProblem, parseNamedBase64 } from "./key-file.js";
import { quoteForMessage, quotedKeyName } from "./message-text.js";

/** An Ed25519 public key and the name signatures made with its secret key carry. */
export interface PublicKey {
  readonly name: string;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/**
 * Parses `<name>:<base64>` exactly as Nix reads a public key file (verbatim; '\n' inside the Base64 is skipped,
 * '\r' and spaces are refused). The key must decode to exactly 32 bytes; a secret key (64 bytes) given instead is
 * refused with KEY_IS_SECRET. Errors show at most the key's name, never its Base64.
 * @param source names the input in errors, e.g. the file path; defaults to "public key".
 */
export function parsePublicKey(text: string, source = "public key"): PublicKey {
  const shownName = quotedKeyName(text);
  const { name, bytes } = parseNamedBase64(text, keyErrorFor(source, shownName));
  if (bytes.length === SEED_BYTES + PUBLIC_KEY_BYTES) {
    throw new KeyError(
      "KEY_IS_SECRET",
      source,
      `${quoteForMessage(name)} looks like a secret key (${bytes.length} bytes); expected a public key (${PUBLIC_KEY_BYTES} bytes) — ` +
        "give its public half, see `narwhal key convert-secret-to-public`",
    );
  }
  if (bytes.length !== PUBLIC_KEY_BYTES) {
    throw new KeyError(
      "KEY_WRONG_LENGTH",
      source,
      `the key ${quoteForMessage(name)} decodes to ${bytes.length} bytes but an Ed25519 public key must be ${PUBLIC_KEY_BYTES} bytes`,
    );
  }
  return { name, key: bytes };
}

/** `<name>:<base64>` with padding and no trailing newline, byte-identical to the .pub file Nix writes. */
export function formatPublicKey(publicKey: PublicKey): string {
  checkPublicKeyShape(publicKey, "public key");
  return formatNamedBase64(publicKey.name, publicKey.key);
}

/** Refuses a PublicKey value (possibly built by hand) that could not be written or used. */
export function checkPublicKeyShape(publicKey: PublicKey, source: string): void {
  const nameProblem = keyNameProblem(publicKey.name, false);
  if (nameProblem !== undefined) {
    throw new KeyError(publicKey.name === "" ? "KEY_EMPTY_NAME" : "KEY_INVALID_NAME", source, nameProblem);
  }
  if (publicKey.key.length !== PUBLIC_KEY_BYTES) {
    throw new KeyError(
      "KEY_WRONG_LENGTH",
      source,
      `public key ${quoteForMessage(publicKey.name)} is ${publicKey.key.length} bytes but an Ed25519 public key must be ${PUBLIC_KEY_BYTES} bytes`,
    );
  }
}
