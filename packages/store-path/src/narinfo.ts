// The NarInfo record: what a binary cache's `<hashPart>.narinfo` says about one store path
// (where its NAR is, how it is compressed, its hashes, references, signatures and content address).

import type { ContentAddress } from "./content-address.js";
import type { Hash } from "./hash.js";
import type { StorePath } from "./store-path.js";

export interface NarInfo {
  storePath: StorePath;
  /** Location of the (compressed) NAR relative to the cache root, e.g. `nar/<nix32>.nar.xz`. */
  url: string;
  /** `xz`, `zstd`, `bzip2`, `none`, … (absent or empty in a file means `bzip2`). */
  compression: string;
  /** Hash of the compressed file. */
  fileHash?: Hash;
  /** Size of the compressed file in bytes. */
  fileSize?: number;
  /** Hash of the uncompressed NAR. */
  narHash: Hash;
  /** Size of the uncompressed NAR in bytes; never 0. */
  narSize: number;
  /** Referenced paths (written as base names; may include the path itself). */
  references: StorePath[];
  deriver?: StorePath;
  /** `Sig` values `<keyName>:<base64>`, in file order. */
  sigs: string[];
  ca?: ContentAddress;
  /**
   * Lines narwhal does not know (e.g. `System: x86_64-linux`), as `[key, value]` in file order. Nix ignores them
   * when reading and drops them when it rewrites a narinfo; narwhal keeps them so a copy between caches keeps them.
   * Written after every known field. Not part of the fingerprint.
   */
  extraFields?: readonly (readonly [key: string, value: string])[];
}

/** Object key of the narinfo for a store path: `<hashPart>.narinfo`. */
export function narInfoFileFor(storePath: StorePath | { hashPart: string }): string {
  return `${storePath.hashPart}.narinfo`;
}
