// Writes into a local Nix store's SQLite database: registers valid paths (ValidPaths + Refs, one transaction per
// path, references first), creating the database with Nix 2.8's schema (version 10) when the store has none.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import Database from "better-sqlite3";
import { DEFAULT_STORE_DIR, type Hash, type StorePath, formatHash, parseStorePath } from "@narwhal/store-path";
import { derivationOutputRows } from "./derivation-outputs.js";
import { LocalStoreError } from "./errors.js";
import { type LocalStoreOptions, parseLocalStoreUrl } from "./local-store-url.js";
import { sqliteAddonOption } from "./sqlite-addon.js";

/** The `db/schema` version Nix 2.8 writes and expects. */
export const NIX_DB_SCHEMA_VERSION = 10;
const DEFAULT_STATE_DIR = "/nix/var/nix";
const CHROOT_STORE_SUBDIR = "/nix/store";
const BUSY_TIMEOUT_MS = 30_000;

/** Nix 2.8's tables, indexes and trigger (schema version 10), as read from a real Nix database's sqlite_master. */
const SCHEMA_STATEMENTS = [
  `create table if not exists ValidPaths (
    id integer primary key autoincrement not null,
    path text unique not null,
    hash text not null,
    registrationTime integer not null,
    deriver text,
    narSize integer,
    ultimate integer,
    sigs text,
    ca text
  )`,
  `create table if not exists Refs (
    referrer integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
  )`,
  "create index if not exists IndexReferrer on Refs(referrer)",
  "create index if not exists IndexReference on Refs(reference)",
  `create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end`,
  `create table if not exists DerivationOutputs (
    drv integer not null,
    id text not null,
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
  )`,
  "create index if not exists IndexDerivationOutputs on DerivationOutputs(path)",
];

/** What registering a path records; the same fields `nix path-info --json` shows. */
export interface PathRegistration {
  readonly storePath: StorePath;
  /** SHA-256 of the NAR; stored as `sha256:<base16>` like Nix. */
  readonly narHash: Hash;
  readonly narSize: number;
  /** Full references, possibly including the path itself; each other one must already be valid. */
  readonly references: readonly StorePath[];
  readonly deriver?: StorePath | undefined;
  readonly sigs?: readonly string[];
  /** Content address text (`fixed:r:sha256:…`, `text:sha256:…`). */
  readonly ca?: string | undefined;
  /** Seconds since the epoch (default: now). */
  readonly registrationTime?: number;
  /**
   * A `.drv` path's text (the single file of its verified NAR), required for `.drv` paths: their DerivationOutputs
   * rows come from it. The registry never reads the file from the store, which may be a symlink out of it.
   */
  readonly derivation?: string | undefined;
}

export interface RegisterOptions {
  /**
   * Runs inside the transaction once every row is written and checked, just before the commit: e.g. move the
   * path's contents into the store. If it throws, nothing is written. If the commit itself then fails, the error
   * is thrown after it ran (the caller must undo what it did; LOCAL_STORE_DB_WRITE_FAILED names the database).
   */
  readonly beforeCommit?: () => void;
}

/** A writable connection to a local store's database; also says where the store keeps path contents. */
export class LocalStoreRegistry {
  readonly storeDir: string;
  /** Directory on disk holding the paths: `<root>/nix/store` for a chroot store, else `storeDir`. */
  readonly realStoreDir: string;
  readonly databaseFile: string;
  readonly #db: Database.Database;
  readonly #selectId: Database.Statement<[string], { id: number }>;
  readonly #insertPath: Database.Statement<unknown[]>;
  readonly #updatePath: Database.Statement<unknown[]>;
  readonly #insertRef: Database.Statement<[number, number]>;
  readonly #insertOutput: Database.Statement<[number, string, string]>;

  constructor(options: LocalStoreOptions = {}) {
    this.storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
    const root = options.root?.replace(/\/+$/, "");
    for (const [name, value] of [
      ["root", root],
      ["stateDir", options.stateDir],
    ] as const) {
      if (value !== undefined && !isAbsolute(value)) {
        throw new LocalStoreError(
          "LOCAL_STORE_BAD_OPTIONS",
          value,
          `local store option ${name} must be an absolute path, got ${JSON.stringify(value)}`,
        );
      }
    }
    const stateDir = options.stateDir ?? `${root ?? ""}${DEFAULT_STATE_DIR}`;
    this.realStoreDir = root === undefined ? this.storeDir : `${root}${CHROOT_STORE_SUBDIR}`;
    const dbDir = `${stateDir}/db`;
    this.databaseFile = `${dbDir}/db.sqlite`;
    mkdirSync(this.realStoreDir, { recursive: true });
    mkdirSync(dbDir, { recursive: true });
    const fresh = !existsSync(this.databaseFile);
    if (!fresh) checkSchemaVersion(`${dbDir}/schema`);
    try {
      this.#db = new Database(this.databaseFile, sqliteAddonOption());
      this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.#db.pragma("journal_mode = wal");
      this.#db.pragma("foreign_keys = on");
      if (fresh)
        this.#db
          .transaction(() => {
            for (const sql of SCHEMA_STATEMENTS) this.#db.exec(sql);
          })
          .immediate();
      this.#selectId = this.#db.prepare<[string], { id: number }>("select id from ValidPaths where path = ?");
      this.#insertPath = this.#db.prepare(
        "insert into ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) values (?, ?, ?, ?, ?, null, ?, ?)",
      );
      this.#updatePath = this.#db.prepare(
        "update ValidPaths set hash = ?, deriver = ?, narSize = ?, sigs = ?, ca = ? where id = ?",
      );
      this.#insertRef = this.#db.prepare<[number, number]>(
        "insert or replace into Refs (referrer, reference) values (?, ?)",
      );
      this.#insertOutput = this.#db.prepare<[number, string, string]>(
        "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)",
      );
    } catch (error) {
      throw new LocalStoreError(
        "LOCAL_STORE_DB_UNREADABLE",
        this.databaseFile,
        `cannot open the Nix database ${this.databaseFile} for writing: ${describe(error)}`,
        { cause: error },
      );
    }
    if (fresh) writeFileSync(`${dbDir}/schema`, String(NIX_DB_SCHEMA_VERSION));
  }

  /** Where a path's contents live on disk. */
  realPath(path: StorePath): string {
    return `${this.realStoreDir}/${path.baseName}`;
  }

  isValidPath(path: StorePath | string): boolean {
    return this.#selectId.get(typeof path === "string" ? path : path.path) !== undefined;
  }

  /**
   * Records the path as valid with its references in one transaction. Every reference other than the path itself
   * must already be valid (register references first), else LOCAL_STORE_PATH_NOT_VALID and nothing is written.
   * A derivation (`.drv`) also gets its output paths recorded, as Nix does, parsed from `info.derivation`.
   */
  registerValidPath(info: PathRegistration, options: RegisterOptions = {}): void {
    const path = this.#checkPath(info.storePath);
    if (!Number.isSafeInteger(info.narSize) || info.narSize <= 0) {
      throw new LocalStoreError(
        "LOCAL_STORE_BAD_OPTIONS",
        String(info.narSize),
        `cannot register ${path}: narSize must be a positive integer, got ${info.narSize}`,
      );
    }
    if (info.narHash.algorithm !== "sha256") {
      throw new LocalStoreError(
        "LOCAL_STORE_BAD_OPTIONS",
        info.narHash.algorithm,
        `cannot register ${path}: the NAR hash must be sha256, got ${info.narHash.algorithm}`,
      );
    }
    const hash = formatHash(info.narHash, "base16");
    const deriver = info.deriver === undefined ? null : this.#checkPath(info.deriver);
    const sigs = info.sigs === undefined || info.sigs.length === 0 ? null : [...new Set(info.sigs)].join(" ");
    const ca = info.ca ?? null;
    const outputs = path.endsWith(".drv") ? derivationOutputRows(info.storePath, info.derivation, this.storeDir) : [];
    let callbackError: { error: unknown } | undefined;
    try {
      this.#db
        .transaction(() => {
          const existing = this.#selectId.get(path)?.id;
          let id: number;
          if (existing === undefined) {
            id = Number(
              this.#insertPath.run(
                path,
                hash,
                info.registrationTime ?? Math.floor(Date.now() / 1000),
                deriver,
                info.narSize,
                sigs,
                ca,
              ).lastInsertRowid,
            );
          } else {
            this.#updatePath.run(hash, deriver, info.narSize, sigs, ca, existing);
            id = existing;
          }
          for (const reference of info.references) {
            const target = reference.path === path ? id : this.#selectId.get(this.#checkPath(reference))?.id;
            if (target === undefined) {
              throw new LocalStoreError(
                "LOCAL_STORE_PATH_NOT_VALID",
                reference.path,
                `cannot register ${path}: its reference ${reference.path} is not valid in ${this.databaseFile} (register references first)`,
              );
            }
            this.#insertRef.run(id, target);
          }
          for (const output of outputs) this.#insertOutput.run(id, output.name, output.path);
          try {
            options.beforeCommit?.();
          } catch (error) {
            callbackError = { error };
            throw error;
          }
        })
        .immediate();
    } catch (error) {
      if (callbackError !== undefined && callbackError.error === error) throw error; // the caller's own refusal
      if (error instanceof LocalStoreError) throw error;
      throw new LocalStoreError(
        "LOCAL_STORE_DB_WRITE_FAILED",
        this.databaseFile,
        `cannot register ${path} in ${this.databaseFile}: ${describe(error)}`,
        { cause: error },
      );
    }
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #checkPath(path: StorePath): string {
    if (path.storeDir !== this.storeDir) {
      throw new LocalStoreError(
        "LOCAL_STORE_BAD_PATH",
        path.path,
        `store path ${path.path} is not in this store's directory ${this.storeDir}`,
      );
    }
    return parseStorePath(path.path, this.storeDir).path;
  }
}

/** Opens (creating when absent) the database of the local store named by options or a local store URL. */
export function openLocalStoreRegistry(options: LocalStoreOptions | string = {}): LocalStoreRegistry {
  return new LocalStoreRegistry(typeof options === "string" ? parseLocalStoreUrl(options) : options);
}

function checkSchemaVersion(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return; // Nix treats a missing schema file as version 0 and upgrades; the tables are what matter to us
  }
  if (text !== String(NIX_DB_SCHEMA_VERSION)) {
    throw new LocalStoreError(
      "LOCAL_STORE_DB_CORRUPT",
      file,
      `${file} says schema version ${JSON.stringify(text)}; only version ${NIX_DB_SCHEMA_VERSION} (Nix 2.8) can be written`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
