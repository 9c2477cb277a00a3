// Store paths `<storeDir>/<32-char nix32 hash>-<name>`: the StorePath value, parsing of full paths and
// base names, and the exact validity rules of Nix for the hash part and the name.

import { StorePathError } from "./errors.js";
import { isNix32 } from "./nix32.js";
import { DEFAULT_STORE_DIR, validateStoreDir } from "./store-dir.js";

/** Length of the nix32 hash part (20 bytes). */
export const STORE_PATH_HASH_LENGTH = 32;
/** Longest allowed name (the part after `<hash>-`). */
export const STORE_PATH_MAX_NAME_LENGTH = 211;
/** Name Nix uses when only the hash part of a path is known. */
export const MISSING_NAME = "x";

const NAME_CHARS = /^[0-9A-Za-z+\-._?=]+$/;

export class StorePath {
  readonly storeDir: string;
  readonly hashPart: string;
  readonly name: string;

  constructor(hashPart: string, name: string, storeDir: string = DEFAULT_STORE_DIR) {
    validateStoreDir(storeDir);
    const baseName = `${hashPart}-${name}`;
    checkHashPart(baseName, hashPart);
    checkName(baseName, name);
    this.storeDir = storeDir;
    this.hashPart = hashPart;
    this.name = name;
  }

  /** `<hashPart>-<name>` */
  get baseName(): string {
    return `${this.hashPart}-${this.name}`;
  }

  /** Full path `<storeDir>/<hashPart>-<name>`. */
  get path(): string {
    return `${this.storeDir}/${this.baseName}`;
  }

  toString(): string {
    return this.path;
  }

  equals(other: StorePath): boolean {
    return this.path === other.path;
  }
}

/** Parses a full store path; it must lie directly inside `storeDir`. */
export function parseStorePath(text: string, storeDir: string = DEFAULT_STORE_DIR): StorePath {
  validateStoreDir(storeDir);
  const prefix = `${storeDir}/`;
  if (!text.startsWith(prefix)) throw new StorePathError(text, `must start with the store directory "${prefix}"`);
  const baseName = text.slice(prefix.length);
  if (baseName.includes("/")) throw new StorePathError(text, `must be directly inside "${storeDir}" (no '/' after it)`);
  try {
    return parseStorePathBaseName(baseName, storeDir);
  } catch (error) {
    if (error instanceof StorePathError) throw new StorePathError(text, error.rule);
    throw error;
  }
}

/** Parses `<hash>-<name>` (as found in narinfo References/Deriver lines). */
export function parseStorePathBaseName(baseName: string, storeDir: string = DEFAULT_STORE_DIR): StorePath {
  if (baseName.length < STORE_PATH_HASH_LENGTH + 1) {
    throw new StorePathError(baseName, `base name must be at least ${STORE_PATH_HASH_LENGTH + 1} characters`);
  }
  if (baseName[STORE_PATH_HASH_LENGTH] !== "-") {
    throw new StorePathError(
      baseName,
      `character ${STORE_PATH_HASH_LENGTH + 1} must be '-' after the ${STORE_PATH_HASH_LENGTH}-character hash`,
    );
  }
  return new StorePath(baseName.slice(0, STORE_PATH_HASH_LENGTH), baseName.slice(STORE_PATH_HASH_LENGTH + 1), storeDir);
}

export function isStorePath(text: string, storeDir: string = DEFAULT_STORE_DIR): boolean {
  try {
    parseStorePath(text, storeDir);
    return true;
  } catch {
    return false;
  }
}

/** Compares by the bytes of the full path, the order Nix uses for path sets. */
export function compareStorePaths(a: StorePath, b: StorePath): number {
  return Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
}

function checkHashPart(input: string, hashPart: string): void {
  if (hashPart.length !== STORE_PATH_HASH_LENGTH) {
    throw new StorePathError(input, `hash part must be ${STORE_PATH_HASH_LENGTH} characters, got ${hashPart.length}`);
  }
  if (!isNix32(hashPart))
    throw new StorePathError(input, "hash part must use only nix32 characters [0-9a-z] without e, o, u, t");
}

function checkName(input: string, name: string): void {
  if (name.length === 0) throw new StorePathError(input, "name must not be empty");
  if (name.length > STORE_PATH_MAX_NAME_LENGTH) {
    throw new StorePathError(
      input,
      `name must be at most ${STORE_PATH_MAX_NAME_LENGTH} characters, got ${name.length}`,
    );
  }
  if (!NAME_CHARS.test(name)) throw new StorePathError(input, "name may only contain [0-9A-Za-z+-._?=]");
  const firstComponent = name.split("-", 1)[0];
  if (firstComponent === "." || firstComponent === "..") {
    throw new StorePathError(input, `name must not be "." or ".." nor start with ".-" or "..-"`);
  }
}
