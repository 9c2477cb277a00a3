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
  | "KEY_PUBLIC_HALF_MISMATCH"
  | "KEY_DUPLICATE_NAME";

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

/** Turns a `<name>:<base64>` problem into a KeyError; `shownInput` is appended only when the text is safe to print. */
export function keyErrorFor(source: string, shownInput?: string): NamedBase64Failure {
  return (problem, rule) => new KeyError(KEY_CODE_OF[problem], source, withInput(rule, shownInput));
}

/** Turns a `<name>:<base64>` problem into a SignatureError naming the refused text. */
export function signatureErrorFor(source: string, shownInput: string): NamedBase64Failure {
  return (problem, rule) => new SignatureError(SIGNATURE_CODE_OF[problem], source, withInput(rule, shownInput));
}

/** Shows an untrusted text in an error message: quoted, escaped, and cut short. */
export function quoteForMessage(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function withInput(rule: string, shownInput: string | undefined): string {
  return shownInput === undefined ? rule : `${rule}: ${shownInput}`;
}
