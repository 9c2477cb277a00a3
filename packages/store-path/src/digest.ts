// The hash functions behind every Hash: node:crypto for md5/sha1/sha256/sha512 and @noble/hashes for BLAKE3
// (256-bit output, as Nix uses it), behind one incremental interface used by one-shot and streaming hashing.

import { createHash } from "node:crypto";
import { blake3 } from "@noble/hashes/blake3.js";
import type { HashAlgorithm } from "./hash-algorithm.js";

export interface Digester {
  update(data: Uint8Array): void;
  /** The digest; call once. */
  digest(): Buffer;
}

export function createDigester(algorithm: HashAlgorithm): Digester {
  if (algorithm === "blake3") {
    const hasher = blake3.create();
    return {
      update: (data) => void hasher.update(data),
      digest: () => Buffer.from(hasher.digest()),
    };
  }
  const hasher = createHash(algorithm);
  return {
    update: (data) => void hasher.update(data),
    digest: () => hasher.digest(),
  };
}
