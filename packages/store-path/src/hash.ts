// The Hash value (algorithm + digest) and its text forms: `algo:` + nix32/base16/base64, SRI `algo-base64`,
// and bare digests when the algorithm is known from context. Also one-shot hashing of bytes.

import { createHash } from "node:crypto";
import { HashFormatError, NixFormatError } from "./errors.js";
import {
  type HashAlgorithm,
  type HashEncoding,
  HASH_ALGORITHMS,
  digestSize,
  encodedDigestLengths,
  isHashAlgorithm,
} from "./hash-algorithm.js";
import { decodeNix32, encodeNix32 } from "./nix32.js";

export class Hash {
  readonly algorithm: HashAlgorithm;
  readonly digest: Buffer;

  constructor(algorithm: HashAlgorithm, digest: Uint8Array) {
    if (!isHashAlgorithm(algorithm)) {
      throw new HashFormatError(String(algorithm), `unknown algorithm; expected one of ${HASH_ALGORITHMS.join(", ")}`);
    }
    if (digest.length !== digestSize(algorithm)) {
      throw new HashFormatError(
        Buffer.from(digest).toString("hex"),
        `a ${algorithm} digest has ${digestSize(algorithm)} bytes, got ${digest.length}`,
      );
    }
    this.algorithm = algorithm;
    this.digest = Buffer.from(digest);
  }

  equals(other: Hash): boolean {
    return this.algorithm === other.algorithm && this.digest.equals(other.digest);
  }

  /** `sha256:<nix32>`, the form Nix writes in narinfo files and fingerprints. */
  toString(): string {
    return formatHash(this);
  }
}

export type HashFormat = HashEncoding | "sri";

export interface FormatHashOptions {
  /** Prefix with `<algo>:` (ignored for "sri", which always carries its algorithm). Default true. */
  prefix?: boolean;
}

export function formatHash(hash: Hash, format: HashFormat = "nix32", options: FormatHashOptions = {}): string {
  if (format === "sri") return `${hash.algorithm}-${hash.digest.toString("base64")}`;
  const body =
    format === "nix32"
      ? encodeNix32(hash.digest)
      : format === "base16"
        ? hash.digest.toString("hex")
        : hash.digest.toString("base64");
  return options.prefix === false ? body : `${hash.algorithm}:${body}`;
}

/**
 * Parses `algo:<digest>` (nix32, base16 or base64, chosen by length), SRI `algo-<base64>`, or — only when
 * `expected` is given — a bare digest. With `expected`, a prefixed algorithm must match it.
 */
export function parseHash(text: string, expected?: HashAlgorithm): Hash {
  const colon = text.indexOf(":");
  if (colon >= 0) {
    const algorithm = checkAlgorithm(text, text.slice(0, colon), expected);
    return decodeByLength(text, algorithm, text.slice(colon + 1));
  }
  const dash = text.indexOf("-");
  if (dash >= 0) {
    const algorithm = checkAlgorithm(text, text.slice(0, dash), expected);
    const body = text.slice(dash + 1);
    if (body.length !== encodedDigestLengths(algorithm).base64) {
      throw new HashFormatError(
        text,
        `an SRI ${algorithm} hash needs ${encodedDigestLengths(algorithm).base64} base64 characters, got ${body.length}`,
      );
    }
    return new Hash(algorithm, decodeBase64(text, body, algorithm));
  }
  if (expected === undefined) {
    throw new HashFormatError(text, `no algorithm given; expected "<algo>:<digest>" or SRI "<algo>-<base64>"`);
  }
  return decodeByLength(text, checkAlgorithm(text, expected, undefined), text);
}

export function hashBytes(algorithm: HashAlgorithm, data: Uint8Array | string): Hash {
  return new Hash(algorithm, createHash(algorithm).update(data).digest());
}

function checkAlgorithm(text: string, name: string, expected: HashAlgorithm | undefined): HashAlgorithm {
  if (!isHashAlgorithm(name)) {
    throw new HashFormatError(text, `unknown algorithm ${JSON.stringify(name)}; expected one of ${HASH_ALGORITHMS.join(", ")}`);
  }
  if (expected !== undefined && name !== expected) {
    throw new HashFormatError(text, `algorithm ${name} given where ${expected} is required`);
  }
  return name;
}

function decodeByLength(text: string, algorithm: HashAlgorithm, body: string): Hash {
  const lengths = encodedDigestLengths(algorithm);
  if (body.length === lengths.base16) {
    if (!/^[0-9a-fA-F]*$/.test(body)) throw new HashFormatError(text, "base16 digest contains a non-hex character");
    return new Hash(algorithm, Buffer.from(body, "hex"));
  }
  if (body.length === lengths.nix32) {
    try {
      return new Hash(algorithm, decodeNix32(body, digestSize(algorithm)));
    } catch (error) {
      const rule = error instanceof NixFormatError ? error.rule : String(error);
      throw new HashFormatError(text, `nix32 digest is invalid: ${rule}`);
    }
  }
  if (body.length === lengths.base64) return new Hash(algorithm, decodeBase64(text, body, algorithm));
  throw new HashFormatError(
    text,
    `a ${algorithm} digest must be ${lengths.base16} base16, ${lengths.nix32} nix32 or ${lengths.base64} base64 characters, got ${body.length}`,
  );
}

function decodeBase64(text: string, body: string, algorithm: HashAlgorithm): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
    throw new HashFormatError(text, "base64 digest contains a character outside the standard base64 alphabet");
  }
  const bytes = Buffer.from(body, "base64");
  if (bytes.length !== digestSize(algorithm)) {
    throw new HashFormatError(text, `base64 digest decodes to ${bytes.length} bytes, ${algorithm} needs ${digestSize(algorithm)}`);
  }
  return bytes;
}
