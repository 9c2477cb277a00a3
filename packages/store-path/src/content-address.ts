// Content-address strings as stored in narinfo `CA:` lines and path-info: `text:sha256:<nix32>`,
// `fixed:<algo>:<hash>` (flat), `fixed:r:<algo>:<hash>` (NAR) and `fixed:git:<sha1|sha256>:<hash>` (git object),
// plus recomputing the path they imply.

import { ContentAddressError } from "./errors.js";
import { type Hash, formatHash, parseHash } from "./hash.js";
import type { StorePath } from "./store-path.js";
import { type FileIngestionMethod, makeFixedOutputPath, makeTextPath } from "./store-path-construction.js";

export type ContentAddress = { method: "text"; hash: Hash } | { method: FileIngestionMethod; hash: Hash };

export function parseContentAddress(text: string): ContentAddress {
  const colon = text.indexOf(":");
  if (colon < 0) throw new ContentAddressError(text, `expected "text:" or "fixed:" followed by a hash`);
  const prefix = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (prefix === "text") {
    return { method: "text", hash: parseCaHash(text, rest, "sha256") };
  }
  if (prefix === "fixed") {
    if (rest.startsWith("r:")) return { method: "recursive", hash: parseCaHash(text, rest.slice(2)) };
    if (rest.startsWith("git:")) {
      const hash = parseCaHash(text, rest.slice(4));
      if (hash.algorithm !== "sha1" && hash.algorithm !== "sha256") {
        throw new ContentAddressError(text, `git content addresses use sha1 or sha256, got ${hash.algorithm}`);
      }
      return { method: "git", hash };
    }
    return { method: "flat", hash: parseCaHash(text, rest) };
  }
  throw new ContentAddressError(text, `unknown prefix ${JSON.stringify(prefix)}; expected "text" or "fixed"`);
}

/** Nix's rendering: the hash in nix32 with its algorithm prefix. */
export function formatContentAddress(address: ContentAddress): string {
  const hash = formatHash(address.hash, "nix32");
  if (address.method === "text") return `text:${hash}`;
  if (address.method === "recursive") return `fixed:r:${hash}`;
  return address.method === "git" ? `fixed:git:${hash}` : `fixed:${hash}`;
}

export interface ContentAddressedPathOptions {
  name: string;
  references?: readonly StorePath[];
  hasSelfReference?: boolean;
  storeDir?: string;
}

/** The store path a content address implies; equal to the real path iff the CA claim is true. */
export function makeContentAddressedPath(address: ContentAddress, options: ContentAddressedPathOptions): StorePath {
  if (address.method === "text") {
    if (options.hasSelfReference) {
      throw new ContentAddressError(formatContentAddress(address), "text paths cannot refer to themselves");
    }
    return makeTextPath({ ...options, hash: address.hash });
  }
  return makeFixedOutputPath({ ...options, method: address.method, hash: address.hash });
}

function parseCaHash(text: string, hashText: string, required?: "sha256"): Hash {
  if (!hashText.includes(":")) {
    throw new ContentAddressError(
      text,
      `hash must be written "<algo>:<digest>" (SRI and bare digests are not accepted)`,
    );
  }
  try {
    return parseHash(hashText, required);
  } catch (error) {
    throw new ContentAddressError(text, `bad hash: ${(error as Error).message}`);
  }
}
