// Typed errors for key files and signatures: each carries a stable `code`, the source it came from, and a message
// naming the refused input and the rule it broke.

import type { NamedBase64Failure, NamedBase64Problem } from "./key-file.js";

/** Why a key (secret, public or trusted-key list) was refused. */
export type KeyErrorCode =
  | "KEY_MISSING_COLON"
  | "KEY_EMPTY_NAME"
  | "KEY_INVALID_NAME"
  | "KEY_BAD_BASE64"
  | "KEY_WRONG_LENGTH"
  | "KEY_IS_SECRET"
  | "KEY_PUBLIC_HALF_MISMATCH"
  | "KEY_DUPLICATE_NAME"
  | "KEY_FILE_UNREADABLE";

/** Why a `name:base64` signature was refused. */
export type SignatureErrorCode = "SIG_MISSING_COLON" | "SIG_EMPTY_NAME" | "SIG_BAD_BASE64" | "SIG_WRONG_LENGTH";

/** A key file or key string that does not follow Nix's `name:base64` key rules. */
export class KeyError extends Error {
  readonly code: KeyErrorCode;
  /** Where the key came from: a file path, or a description such as "secret key". */
  readonly source: string;

  constructor(code: KeyErrorCode, source: string, rule: string) {
    super(`${source}: ${rule}`);
    this.name = "KeyError";
    this.code = code;
    this.source = source;
  }
}

/** A signature string that is not `<keyName>:<base64 of 64 bytes>`. */
export class SignatureError extends Error {
  readonly code: SignatureErrorCode;
  /** Where the signature came from, e.g. "signature" or "Sig line 2 of …narinfo". */
  readonly source: string;

  constructor(code: SignatureErrorCode, source: string, rule: string) {
    super(`${source}: ${rule}`);
    this.name = "SignatureError";
    this.code = code;
    this.source = source;
  }
}

const KEY_CODE_OF: Readonly<Record<NamedBase64Problem, KeyErrorCode>> = {
  MISSING_COLON: "KEY_MISSING_COLON",
  EMPTY_NAME: "KEY_EMPTY_NAME",
  BAD_BASE64: "KEY_BAD_BASE64",
};

const SIGNATURE_CODE_OF: Readonly<Record<NamedBase64Problem, SignatureErrorCode>> = {
  MISSING_COLON: "SIG_MISSING_COLON",
  EMPTY_NAME: "SIG_EMPTY_NAME",
  BAD_BASE64: "SIG_BAD_BASE64",
};

/**
 * Turns a `<name>:<base64>` problem into a KeyError; `shownName` (the quoted name part, see quotedKeyName) is
 * appended when given. Never pass the whole text: it holds the key material.
 */
export function keyErrorFor(source: string, shownName?: string): NamedBase64Failure {
  return (problem, rule) => new KeyError(KEY_CODE_OF[problem], source, withName(rule, shownName));
}

/** Turns a `<name>:<base64>` problem into a SignatureError naming the refused signature by its key name. */
export function signatureErrorFor(source: string, shownName?: string): NamedBase64Failure {
  return (problem, rule) => new SignatureError(SIGNATURE_CODE_OF[problem], source, withName(rule, shownName));
}

function withName(rule: string, shownName: string | undefined): string {
  return shownName === undefined ? rule : `${rule} (key name ${shownName})`;
}
