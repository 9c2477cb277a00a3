// Git's object encoding as Nix's git hashing uses it (src/libutil/git.cc): `blob <size>\0<bytes>` headers, tree
// entries `<octal mode> <name>\0<raw hash>` in git's order (a directory sorts as if its name ended in '/').

import { createHash, type Hash as NodeHash } from "node:crypto";

/** The hash algorithms git objects may use (Nix refuses others for git hashing). */
export type GitHashAlgorithm = "sha1" | "sha256";

/** Git's modes as written in a tree (octal, without leading zero). */
export const GIT_MODE = { regular: "100644", executable: "100755", symlink: "120000", directory: "40000" } as const;
export type GitMode = (typeof GIT_MODE)[keyof typeof GIT_MODE];

export interface GitTreeEntry {
  name: Buffer;
  mode: GitMode;
  /** Raw digest of the entry's object. */
  hash: Buffer;
}

export function checkGitHashAlgorithm(algorithm: string): asserts algorithm is GitHashAlgorithm {
  if (algorithm !== "sha1" && algorithm !== "sha256") {
    throw new RangeError(`git hashing uses sha1 or sha256, got ${JSON.stringify(algorithm)}`);
  }
}

/** A hasher already fed the header of a blob of `size` bytes; feed it the blob's bytes next. */
export function startBlobHash(algorithm: GitHashAlgorithm, size: number): NodeHash {
  return createHash(algorithm).update(`blob ${size}\0`, "latin1");
}

/** Git's order of tree entries: by bytes of the name, a directory's name compared as if followed by '/'. */
export function compareGitTreeEntries(a: GitTreeEntry, b: GitTreeEntry): number {
  const key = (entry: GitTreeEntry): Buffer =>
    entry.mode === GIT_MODE.directory ? Buffer.concat([entry.name, SLASH]) : entry.name;
  return Buffer.compare(key(a), key(b));
}

/** The hash of the tree object holding `entries` (any order; they are sorted here). */
export function hashGitTree(algorithm: GitHashAlgorithm, entries: GitTreeEntry[]): Buffer {
  const body: Buffer[] = [];
  for (const entry of [...entries].sort(compareGitTreeEntries)) {
    body.push(Buffer.from(`${entry.mode} `, "latin1"), entry.name, NUL, entry.hash);
  }
  const content = Buffer.concat(body);
  return createHash(algorithm).update(`tree ${content.length}\0`, "latin1").update(content).digest();
}

const SLASH = Buffer.from("/");
const NUL = Buffer.from([0]);
