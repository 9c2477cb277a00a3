// The `<name>:<base64>` text shared by Nix secret keys, public keys and signatures: splitting at the first ':',
// decoding the payload with Nix's Base64 rules, formatting back, and the rules a key name must follow.

import { decodeBase64LikeNix, describeBadBase64Char, encodeBase64 } from "./base64.js";
import { quoteForMessage } from "./message-text.js";

/** A name and the bytes its Base64 payload decoded to. */
export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Which `<name>:<base64>` rule a text broke; callers turn it into their own typed error. */
export type NamedBase64Problem = "MISSING_COLON" | "EMPTY_NAME" | "BAD_BASE64";

/** Builds the caller's error for a broken rule (`rule` is a sentence fragment naming it). */
export type NamedBase64Failure = (problem: NamedBase64Problem, rule: string) => Error;

/**
 * Splits at the first ':' like Nix does (the name is everything before it and must be non-empty) and decodes the rest
 * with Nix's Base64 rules. The text is used verbatim: a '\n' inside or after the payload is skipped, '\r' is refused.
 */
export function parseNamedBase64(text: string, fail: NamedBase64Failure): NamedBytes {
  const colon = text.indexOf(":");
  if (colon < 0)
    throw fail(
      "MISSING_COLON",
      `expected '<name>:<base64>' but the text (${text.length} characters, not shown) has no ':'`,
    );
  if (colon === 0) throw fail("EMPTY_NAME", "the name before ':' is empty; expected '<name>:<base64>'");
  const name = text.slice(0, colon);
  const decoding = decodeBase64LikeNix(text.slice(colon + 1));
  if (!decoding.ok) {
    throw fail(
      "BAD_BASE64",
      `invalid Base64 after ':': ${describeBadBase64Char(decoding.char, colon + 1 + decoding.offset)}`,
    );
  }
  return { name, bytes: decoding.bytes };
}

/** `<name>:<base64>` with standard, padded Base64 and no trailing newline, as `nix-store --generate-binary-cache-key` writes. */
export function formatNamedBase64(name: string, bytes: Uint8Array): string {
  return `${name}:${encodeBase64(bytes)}`;
}

/**
 * The rule a name breaks if it cannot be written as a key or signature name, or undefined if it is fine.
 * `strict` also refuses whitespace and control characters, which would make the key impossible to list in
 * Nix's whitespace-separated `trusted-public-keys` setting.
 */
export function keyNameProblem(name: string, strict: boolean): string | undefined {
  if (name.length === 0) return "the key name is empty";
  if (name.includes(":")) return `the key name ${quoteForMessage(name)} contains ':', which separates name from key`;
  if (strict && /[\s\u0000-\u001f\u007f]/.test(name)) {
    return `the key name ${quoteForMessage(name)} contains whitespace or a control character, so it could not be listed in trusted-public-keys`;
  }
  return undefined;
}
