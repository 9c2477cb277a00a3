// The git object hash (Nix's "git" ingestion method) of the file system object a NAR holds, computed while the NAR
// streams: memory grows with the open directories' entry lists (names + hashes), never with file sizes.

import {
  type GitHashAlgorithm,
  type GitTreeEntry,
  GIT_MODE,
  checkGitHashAlgorithm,
  hashGitTree,
  startBlobHash,
} from "./git-object.js";
import { parseNar } from "./nar-parser.js";

/** One directory whose entries are still arriving: its depth (root = 0), name and the entries hashed so far. */
interface OpenTree {
  depth: number;
  name: Buffer;
  entries: GitTreeEntry[];
}

/**
 * The git hash of the NAR's root, as `nix hash path --mode git` computes it (src/libutil/git.cc `dumpHash`): a
 * regular file or a symlink is a blob (`blob <size>\0` + contents or target), a directory a tree of its entries
 * (100644 file, 100755 executable, 120000 symlink, 40000 directory; an empty directory is an entry too, as in Nix,
 * though git's index never records one). Returns the raw digest (20 bytes for sha1, 32 for sha256). The NAR is
 * checked by the strict parser; a malformed one rejects with its NarError.
 */
export async function gitTreeHashOfNar(
  nar: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  algorithm: GitHashAlgorithm,
): Promise<Buffer> {
  checkGitHashAlgorithm(algorithm);
  const open: OpenTree[] = [];
  let root: Buffer | undefined;

  const closeTreesFrom = (depth: number): void => {
    while (open.length > 0 && open[open.length - 1]!.depth >= depth) {
      const tree = open.pop()!;
      const hash = hashGitTree(algorithm, tree.entries);
      const parent = open[open.length - 1];
      if (parent === undefined) root = hash;
      else parent.entries.push({ name: tree.name, mode: GIT_MODE.directory, hash });
    }
  };
  const addEntry = (depth: number, name: Buffer | undefined, mode: GitTreeEntry["mode"], hash: Buffer): void => {
    if (depth === 0) root = hash;
    else open[open.length - 1]!.entries.push({ name: name!, mode, hash });
  };

  for await (const event of parseNar(nar)) {
    const depth = event.segments.length;
    closeTreesFrom(depth); // every open directory at this depth or deeper is complete
    const name = event.segments[depth - 1];
    if (event.type === "directory") {
      open.push({ depth, name: name ?? Buffer.alloc(0), entries: [] });
    } else if (event.type === "symlink") {
      addEntry(
        depth,
        name,
        GIT_MODE.symlink,
        startBlobHash(algorithm, event.target.length).update(event.target).digest(),
      );
    } else {
      const blob = startBlobHash(algorithm, event.size);
      for await (const chunk of event.contents) blob.update(chunk);
      addEntry(depth, name, event.executable ? GIT_MODE.executable : GIT_MODE.regular, blob.digest());
    }
  }
  closeTreesFrom(0);
  if (root === undefined) throw new Error("gitTreeHashOfNar: the NAR parser ended without a root node");
  return root;
}
