// Computing content-addressed store paths the way Nix does: the hash part is the 20-byte XOR-fold of
// sha256("<type>:<algo>:<base16 inner hash>:<storeDir>:<name>"), for fixed-output (flat, NAR, git), source and text paths.

import { compressHash } from "./compress-hash.js";
import { StorePathConstructionError } from "./errors.js";
import { type Hash, formatHash, hashBytes } from "./hash.js";
import { encodeNix32 } from "./nix32.js";
import { DEFAULT_STORE_DIR, validateStoreDir } from "./store-dir.js";
import { StorePath, compareStorePaths } from "./store-path.js";

/**
 * How file contents were turned into the hash: the flat file bytes, the NAR serialisation ("r:"), or the git
 * object (blob or tree, "git:"; sha1 or sha256 only, as in Nix's store-dir-config.cc).
 */
export type FileIngestionMethod = "flat" | "recursive" | "git";

export function makeStorePath(
  type: string,
  innerHash: Hash,
  name: string,
  storeDir: string = DEFAULT_STORE_DIR,
): StorePath {
  validateStoreDir(storeDir);
  const description = `${type}:${formatHash(innerHash, "base16")}:${storeDir}:${name}`;
  const hashPart = encodeNix32(compressHash(hashBytes("sha256", description).digest, 20));
  return new StorePath(hashPart, name, storeDir);
}

export interface FixedOutputPathOptions {
  method: FileIngestionMethod;
  /** Hash of the flat file bytes ("flat"), of the NAR ("recursive") or the git object hash ("git"). */
  hash: Hash;
  name: string;
  /** Only allowed for recursive SHA-256 paths (the "source" type used by `nix-store --add`). */
  references?: readonly StorePath[];
  /** The path refers to itself; only for recursive SHA-256 paths. */
  hasSelfReference?: boolean;
  storeDir?: string;
}

export function makeFixedOutputPath(options: FixedOutputPathOptions): StorePath {
  const storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
  const references = options.references ?? [];
  if (options.method === "git" && options.hash.algorithm !== "sha1" && options.hash.algorithm !== "sha256") {
    throw new StorePathConstructionError(
      options.name,
      `git ingestion uses sha1 or sha256, got ${options.hash.algorithm}`,
    );
  }
  if (options.method === "recursive" && options.hash.algorithm === "sha256") {
    const type = makeType("source", references, options.hasSelfReference ?? false, storeDir, options.name);
    return makeStorePath(type, options.hash, options.name, storeDir);
  }
  if (references.length > 0 || options.hasSelfReference) {
    throw new StorePathConstructionError(
      options.name,
      "references are only allowed for recursive sha256 fixed-output paths",
    );
  }
  const methodPrefix = options.method === "recursive" ? "r:" : options.method === "git" ? "git:" : "";
  const inner = hashBytes("sha256", `fixed:out:${methodPrefix}${formatHash(options.hash, "base16")}:`);
  return makeStorePath("output:out", inner, options.name, storeDir);
}

export interface TextPathOptions {
  name: string;
  /** The file contents, or their SHA-256 when already known. */
  contents?: Uint8Array | string;
  hash?: Hash;
  references?: readonly StorePath[];
  storeDir?: string;
}

/** Path of a text file added like `builtins.toFile` (type "text" plus its references). */
export function makeTextPath(options: TextPathOptions): StorePath {
  const storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
  const hash = textHash(options);
  const type = makeType("text", options.references ?? [], false, storeDir, options.name);
  return makeStorePath(type, hash, options.name, storeDir);
}

function textHash(options: TextPathOptions): Hash {
  if (options.hash !== undefined && options.contents !== undefined) {
    throw new StorePathConstructionError(options.name, "give either contents or hash for a text path, not both");
  }
  if (options.contents !== undefined) return hashBytes("sha256", options.contents);
  if (options.hash === undefined)
    throw new StorePathConstructionError(options.name, "a text path needs contents or a hash");
  if (options.hash.algorithm !== "sha256") {
    throw new StorePathConstructionError(options.name, `text paths use sha256, got ${options.hash.algorithm}`);
  }
  return options.hash;
}

function makeType(
  base: string,
  references: readonly StorePath[],
  hasSelfReference: boolean,
  storeDir: string,
  name: string,
): string {
  const unique = new Map<string, StorePath>();
  for (const reference of references) {
    if (reference.storeDir !== storeDir) {
      throw new StorePathConstructionError(name, `reference ${reference.path} is not in store directory ${storeDir}`);
    }
    unique.set(reference.path, reference);
  }
  const sorted = [...unique.values()].sort(compareStorePaths);
  return [base, ...sorted.map((reference) => reference.path), ...(hasSelfReference ? ["self"] : [])].join(":");
}
