// Nix public keys (`<name>:<base64 of 32 bytes>`, as in a .pub file or one trusted-public-keys entry):
// the type, parsing with Nix's rules plus clear errors, and formatting.

import { KeyError, keyErrorFor, quoteForMessage } from "./errors.js";
import { PUBLIC_KEY_BYTES } from "./ed25519.js";
import { formatNamedBase64, keyNameProblem, parseNamedBase64 } from "./key-file.js";

/** An Ed25519 public key and the name signatures made with its secret key carry. */
export interface PublicKey {
  readonly name: string;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/**
 * Parses `<name>:<base64>` exactly as Nix reads a public key file (verbatim; '\n' inside the Base64 is skipped,
 * '\r' and spaces are refused). The key must decode to exactly 32 bytes.
 * @param source names the input in errors, e.g. the file path; defaults to "public key".
 */
export function parsePublicKey(text: string, source = "public key"): PublicKey {
  const { name, bytes } = parseNamedBase64(text, keyErrorFor(source, quoteForMessage(text)));
  if (bytes.length !== PUBLIC_KEY_BYTES) {
    throw new KeyError(
      "KEY_WRONG_LENGTH",
      source,
      `the key decodes to ${bytes.length} bytes but an Ed25519 public key must be ${PUBLIC_KEY_BYTES} bytes: ${quoteForMessage(text)}`,
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
      `public key "${publicKey.name}" is ${publicKey.key.length} bytes but an Ed25519 public key must be ${PUBLIC_KEY_BYTES} bytes`,
    );
  }
}
