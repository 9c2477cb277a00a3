// The Hash value (algorithm + digest) and its text forms: `algo:` + nix32/base16/base64, SRI `algo-base64`,
// and bare digests when the algorithm is known from context, parsed as leniently as current Nix. Also one-shot hashing.

import { decodeBase64AsNix } from "./base64-nix.js";
import { createDigester } from "./digest.js";
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
 *
 * Base64 is decoded as Nix decodes it (`base64::decode` in Nix's base-n.cc): it stops at the first '=', so an SRI
 * hash without its '=' padding (`sha256-` + 43 characters) is accepted "for backward compatibility", as is
 * anything after the padding; '\n' is skipped. What decides is the decoded length. A prefixed base64 digest
 * (`sha256:…`) must still have the padded length, since Nix picks the encoding by length.
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
    return new Hash(algorithm, decodeBase64(text, text.slice(dash + 1), algorithm, "an SRI"));
  }
  if (expected === undefined) {
    throw new HashFormatError(text, `no algorithm given; expected "<algo>:<digest>" or SRI "<algo>-<base64>"`);
  }
  return decodeByLength(text, checkAlgorithm(text, expected, undefined), text);
}

export function hashBytes(algorithm: HashAlgorithm, data: Uint8Array | string): Hash {
  const digester = createDigester(algorithm);
  digester.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  return new Hash(algorithm, digester.digest());
}

function checkAlgorithm(text: string, name: string, expected: HashAlgorithm | undefined): HashAlgorithm {
  if (!isHashAlgorithm(name)) {
    throw new HashFormatError(
      text,
      `unknown algorithm ${JSON.stringify(name)}; expected one of ${HASH_ALGORITHMS.join(", ")}`,
    );
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
  if (body.length === lengths.base64) return new Hash(algorithm, decodeBase64(text, body, algorithm, "a base64"));
  throw new HashFormatError(
    text,
    `a ${algorithm} digest must be ${lengths.base16} base16, ${lengths.nix32} nix32 or ${lengths.base64} base64 characters, got ${body.length}`,
  );
}

function decodeBase64(text: string, body: string, algorithm: HashAlgorithm, what: string): Buffer {
  const decoded = decodeBase64AsNix(body);
  if (!decoded.ok) {
    throw new HashFormatError(
      text,
      `${what} digest has character ${JSON.stringify(decoded.badCharacter)} at ${decoded.index}, outside the standard base64 alphabet`,
    );
  }
  if (decoded.bytes.length !== digestSize(algorithm)) {
    throw new HashFormatError(
      text,
      `${what} digest decodes to ${decoded.bytes.length} bytes (up to the first '='), ${algorithm} needs ${digestSize(algorithm)}`,
    );
  }
  return decoded.bytes;
}
