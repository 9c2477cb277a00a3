// Turns a ValidPaths row and its Refs into LocalPathInfo: parsed store paths, the NarHash as a Hash, the
// space-separated signatures split, and references sorted by bytes like Nix's path sets.

import { type Hash, type StorePath, compareStorePaths, parseHash, parseStorePath } from "@narwhal/store-path";
import { LocalStoreError } from "./errors.js";
import type { ValidPathRow } from "./nix-db.js";

/** What Nix's database records about one valid store path. */
export interface LocalPathInfo {
  storePath: StorePath;
  /** SHA-256 of the path's NAR serialization (stored as `sha256:<base16>`). */
  narHash: Hash;
  narSize: number;
  /** Sorted by the bytes of the full path; includes the path itself when it refers to itself. */
  references: StorePath[];
  deriver?: StorePath;
  /** `<keyName>:<base64>` signatures, in the order stored. */
  sigs: string[];
  /** Content address (`fixed:r:sha256:…`, `text:sha256:…`) when the path is content-addressed. */
  ca?: string;
  /** Seconds since the Unix epoch when the path was registered. */
  registrationTime: number;
  /** True when the path was built locally rather than substituted or copied. */
  ultimate: boolean;
}

export function toLocalPathInfo(
  row: ValidPathRow,
  references: readonly string[],
  storeDir: string,
  dbFile: string,
): LocalPathInfo {
  const storePath = parsePathFromDb(row.path, storeDir, dbFile, "path");
  const info: LocalPathInfo = {
    storePath,
    narHash: parseNarHash(row, dbFile),
    narSize: row.narSize ?? 0,
    references: references
      .map((path) => parsePathFromDb(path, storeDir, dbFile, `reference of ${row.path}`))
      .sort(compareStorePaths),
    sigs: row.sigs === null ? [] : row.sigs.split(" ").filter((sig) => sig !== ""),
    registrationTime: row.registrationTime,
    ultimate: row.ultimate !== null && row.ultimate !== 0,
  };
  if (row.deriver !== null && row.deriver !== "")
    info.deriver = parsePathFromDb(row.deriver, storeDir, dbFile, `deriver of ${row.path}`);
  if (row.ca !== null && row.ca !== "") info.ca = row.ca;
  return info;
}

function parseNarHash(row: ValidPathRow, dbFile: string): Hash {
  try {
    return parseHash(row.hash, "sha256");
  } catch (error) {
    throw corrupt(dbFile, row.hash, `the NarHash of ${row.path} must be a sha256 hash`, error);
  }
}

function parsePathFromDb(text: string, storeDir: string, dbFile: string, what: string): StorePath {
  try {
    return parseStorePath(text, storeDir);
  } catch (error) {
    throw corrupt(dbFile, text, `the ${what} must be a store path in ${storeDir}`, error);
  }
}

function corrupt(dbFile: string, value: string, rule: string, cause: unknown): LocalStoreError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new LocalStoreError(
    "LOCAL_STORE_DB_CORRUPT",
    value,
    `unexpected value ${JSON.stringify(value)} in the Nix database ${dbFile}: ${rule}${detail}`,
    { cause },
  );
}
