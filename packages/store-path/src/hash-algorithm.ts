// The hash algorithms Nix knows (blake3 is experimental in Nix), with their digest sizes and the lengths of each
// text encoding. Parsing picks an encoding purely from the text length, as Nix does.

import { nix32EncodedLength } from "./nix32.js";

export type HashAlgorithm = "blake3" | "md5" | "sha1" | "sha256" | "sha512";

/** In Nix's order (`hashAlgorithms` in hash.cc). */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["blake3", "md5", "sha1", "sha256", "sha512"];

const DIGEST_SIZES: Record<HashAlgorithm, number> = { blake3: 32, md5: 16, sha1: 20, sha256: 32, sha512: 64 };

export function isHashAlgorithm(text: string): text is HashAlgorithm {
  return Object.hasOwn(DIGEST_SIZES, text);
}

export function digestSize(algorithm: HashAlgorithm): number {
  return DIGEST_SIZES[algorithm];
}

export type HashEncoding = "nix32" | "base16" | "base64";

/** Text length of a digest of `algorithm` in each encoding (base64 padded with '='). */
export function encodedDigestLengths(algorithm: HashAlgorithm): Record<HashEncoding, number> {
  const size = digestSize(algorithm);
  return { base16: size * 2, nix32: nix32EncodedLength(size), base64: Math.ceil(size / 3) * 4 };
}
