// The value rules narinfo parsing and writing share, taken from Nix: the keys Nix reads, the Compression names it
// accepts (compression-algo.hh) and the `<key name>:<base64>` shape of a Sig value (Signature::parse).

import { decodeBase64AsNix } from "./base64-nix.js";

/** Every key Nix's narinfo parser reads; any other key is an extra field. */
export const NARINFO_KNOWN_KEYS: ReadonlySet<string> = new Set([
  "StorePath",
  "URL",
  "Compression",
  "FileHash",
  "FileSize",
  "NarHash",
  "NarSize",
  "References",
  "Deriver",
  "Sig",
  "CA",
]);

/** Nix's compression method names (NIX_FOR_EACH_COMPRESSION_ALGO); an empty Compression means bzip2. */
export const NARINFO_COMPRESSIONS: ReadonlySet<string> = new Set([
  "none",
  "br",
  "bzip2",
  "compress",
  "grzip",
  "gzip",
  "lrzip",
  "lz4",
  "lzip",
  "lzma",
  "lzop",
  "xz",
  "zstd",
]);

/** Why a Sig value is not `<non-empty name>:<base64 of at least one byte>`, or undefined when it is. */
export function checkSignatureText(value: string): string | undefined {
  const colon = value.indexOf(":");
  if (colon <= 0) return `expected "<key name>:<base64 signature>" with a non-empty key name`;
  const decoded = decodeBase64AsNix(value.slice(colon + 1));
  if (!decoded.ok)
    return `signature has character ${JSON.stringify(decoded.badCharacter)}, outside the standard base64 alphabet`;
  if (decoded.bytes.length === 0) return "signature is empty";
  return undefined;
}
