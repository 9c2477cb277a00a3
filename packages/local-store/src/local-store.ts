// LocalStore: a read-only view of a local (or chroot) Nix store — path metadata from Nix's SQLite database,
// closures in topological order, and path contents as NAR streams read from the filesystem (the NAR serializer is
// loaded by the first stream, so reading metadata alone does not load it).

import { isAbsolute } from "node:path";
import type { DumpPathOptions } from "@narwhal/nar";
import {
  DEFAULT_STORE_DIR,
  type StorePath,
  compareStorePaths,
  isNix32,
  parseStorePath,
  validateStoreDir,
  STORE_PATH_HASH_LENGTH,
} from "@narwhal/store-path";
import { type ClosureOptions, computeClosure } from "./closure.js";
import { LocalStoreError } from "./errors.js";
import { type LocalStoreOptions, parseLocalStoreUrl } from "./local-store-url.js";
import { NixDatabase, type NixDatabaseMode } from "./nix-db.js";
import { type LocalPathInfo, toLocalPathInfo } from "./path-info-query.js";

const DEFAULT_STATE_DIR = "/nix/var/nix";
/** Where a chroot store keeps its paths under its root (Nix uses this fixed location, whatever the store dir). */
const CHROOT_STORE_SUBDIR = "/nix/store";

/** Opens a local store from options or a local store URL (`local`, `local?root=/dir`, `/dir`). */
export function openLocalStore(options: LocalStoreOptions | string = {}): LocalStore {
  return new LocalStore(typeof options === "string" ? parseLocalStoreUrl(options) : options);
}

export class LocalStore {
  /** Logical store directory, the prefix of every store path in the database. */
  readonly storeDir: string;
  /** Directory on disk holding the paths: `<root>/nix/store` for a chroot store, else `storeDir`. */
  readonly realStoreDir: string;
  readonly stateDir: string;
  readonly root: string | undefined;
  #db: NixDatabase;

  constructor(options: LocalStoreOptions = {}) {
    this.storeDir = checkStoreDir(options.storeDir ?? DEFAULT_STORE_DIR);
    this.root = options.root === undefined ? undefined : checkAbsolute("root", options.root).replace(/\/+$/, "");
    this.stateDir = checkAbsolute("stateDir", options.stateDir ?? `${this.root ?? ""}${DEFAULT_STATE_DIR}`);
    this.realStoreDir = this.root === undefined ? this.storeDir : `${this.root}${CHROOT_STORE_SUBDIR}`;
    this.#db = NixDatabase.open(`${this.stateDir}/db/db.sqlite`);
  }

  /** The SQLite file being read. */
  get databaseFile(): string {
    return this.#db.file;
  }

  /** "wal" for a live read-only connection, "snapshot" when the database had to be copied into memory. */
  get databaseMode(): NixDatabaseMode {
    return this.#db.mode;
  }

  queryPathInfo(path: StorePath | string): LocalPathInfo | undefined {
    return this.#pathInfo(this.#storePathText(path));
  }

  isValidPath(path: StorePath | string): boolean {
    return this.#db.pathRow(this.#storePathText(path)) !== undefined;
  }

  /** The valid path whose hash part is `hashPart`, if any. */
  queryPathFromHashPart(hashPart: string): StorePath | undefined {
    if (hashPart.length !== STORE_PATH_HASH_LENGTH || !isNix32(hashPart)) {
      throw new LocalStoreError(
        "LOCAL_STORE_BAD_PATH",
        hashPart,
        `invalid hash part ${JSON.stringify(hashPart)}: it must be ${STORE_PATH_HASH_LENGTH} nix32 characters`,
      );
    }
    const prefix = `${this.storeDir}/${hashPart}`;
    const found = this.#db.firstPathFrom(prefix);
    return found?.startsWith(`${prefix}-`) ? this.#fromDb(found) : undefined;
  }

  /** Every valid path, sorted by bytes. */
  queryAllValidPaths(): StorePath[] {
    return this.#db
      .allPaths()
      .map((path) => this.#fromDb(path))
      .sort(compareStorePaths);
  }

  /** Valid paths that refer to `path` (including itself if it refers to itself), sorted by bytes. */
  queryReferrers(path: StorePath | string): StorePath[] {
    return this.#db
      .referrersOf(this.#storePathText(path))
      .map((referrer) => this.#fromDb(referrer))
      .sort(compareStorePaths);
  }

  /**
   * The closure of `paths` as path infos in topological order (references before referrers, ties by path bytes),
   * read in one database transaction. Throws LOCAL_STORE_PATH_NOT_VALID naming a path that is not valid.
   */
  computeClosure(paths: Iterable<StorePath | string>, options: ClosureOptions = {}): LocalPathInfo[] {
    const roots = [...paths].map((path) => this.#storePathText(path));
    return this.#db.consistentRead(() =>
      computeClosure(
        {
          pathInfo: (path) => this.#pathInfo(path),
          derivationOutputs: (drvPath) => {
            const row = this.#db.pathRow(drvPath);
            return row === undefined ? [] : this.#db.derivationOutputsOf(row.id);
          },
        },
        roots,
        options,
      ),
    );
  }

  /** Where the path's contents are on disk (under the root for a chroot store). */
  realPath(path: StorePath | string): string {
    const text = this.#storePathText(path);
    return `${this.realStoreDir}${text.slice(this.storeDir.length)}`;
  }

  /** The path's NAR serialization, read from disk; throws LOCAL_STORE_PATH_NOT_VALID at once for a path that is not valid. */
  narFromPath(path: StorePath | string, options: DumpPathOptions = {}): AsyncIterable<Buffer> {
    const text = this.#storePathText(path);
    if (this.#db.pathRow(text) === undefined) {
      throw new LocalStoreError(
        "LOCAL_STORE_PATH_NOT_VALID",
        text,
        `cannot read ${text}: it is not a valid path in the local store (${this.#db.file})`,
      );
    }
    return dumpLazily(this.realPath(text), options);
  }

  close(): void {
    this.#db.close();
  }

  #pathInfo(path: string): LocalPathInfo | undefined {
    return this.#db.consistentRead(() => {
      const row = this.#db.pathRow(path);
      if (row === undefined) return undefined;
      return toLocalPathInfo(row, this.#db.referencesOf(row.id), this.storeDir, this.#db.file);
    });
  }

  #storePathText(path: StorePath | string): string {
    if (typeof path !== "string") {
      if (path.storeDir !== this.storeDir) {
        throw new LocalStoreError(
          "LOCAL_STORE_BAD_PATH",
          path.path,
          `store path ${path.path} is not in this store's directory ${this.storeDir}`,
        );
      }
      return path.path;
    }
    try {
      return parseStorePath(path, this.storeDir).path;
    } catch (error) {
      const rule = error instanceof Error ? error.message : String(error);
      throw new LocalStoreError(
        "LOCAL_STORE_BAD_PATH",
        path,
        `${JSON.stringify(path)} is not a store path of ${this.storeDir}: ${rule}`,
        { cause: error },
      );
    }
  }

  #fromDb(path: string): StorePath {
    try {
      return parseStorePath(path, this.storeDir);
    } catch (error) {
      throw new LocalStoreError(
        "LOCAL_STORE_DB_CORRUPT",
        path,
        `unexpected path ${JSON.stringify(path)} in the Nix database ${this.#db.file}: it must be a store path in ${this.storeDir}`,
        { cause: error },
      );
    }
  }
}

function checkAbsolute(option: string, value: string): string {
  if (!isAbsolute(value)) {
    throw new LocalStoreError(
      "LOCAL_STORE_BAD_OPTIONS",
      value,
      `local store option ${option} must be an absolute path, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function checkStoreDir(storeDir: string): string {
  try {
    validateStoreDir(storeDir);
    return storeDir;
  } catch (error) {
    const rule = error instanceof Error ? error.message : String(error);
    throw new LocalStoreError("LOCAL_STORE_BAD_OPTIONS", storeDir, `local store option storeDir is invalid: ${rule}`, {
      cause: error,
    });
  }
}

async function* dumpLazily(path: string, options: DumpPathOptions): AsyncGenerator<Buffer, void, undefined> {
  const { dumpPath } = await import("@narwhal/nar");
  yield* dumpPath(path, options);
}
