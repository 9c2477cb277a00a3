// Read-only access to Nix's SQLite database (`<stateDir>/db/db.sqlite`): opening it safely next to a writing Nix
// (WAL mode) or without write access, and the handful of prepared queries the store view needs.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { LocalStoreError } from "./errors.js";
import { sqliteAddonOption } from "./sqlite-addon.js";

/** One row of the ValidPaths table, as stored. */
export interface ValidPathRow {
  id: number;
  path: string;
  hash: string;
  registrationTime: number;
  deriver: string | null;
  narSize: number | null;
  ultimate: number | null;
  sigs: string | null;
  ca: string | null;
}

/**
 * How the database is being read. "wal": a live read-only connection that sees Nix's commits as they happen.
 * "snapshot": SQLite could not set up the `-shm`/`-wal` files it needs to read a WAL database in place (no write
 * access to the db directory, e.g. a non-root user), so the database file and its `-wal` were copied once into a
 * private temp directory (removed by close()) and are read there. A snapshot does not see later commits, and a
 * copy taken while Nix is committing could be torn; open the store again to refresh it.
 */
export type NixDatabaseMode = "wal" | "snapshot";

/** SQLite failures that mean "cannot set up the WAL index", i.e. the directory or -shm is not writable. */
const WAL_SETUP_FAILURES = new Set([
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY_DIRECTORY",
  "SQLITE_READONLY_CANTINIT",
  "SQLITE_READONLY_RECOVERY",
  "SQLITE_READONLY",
]);
/** How long a query waits for a writer's lock before failing (SQLite busy timeout). */
const BUSY_TIMEOUT_MS = 10_000;

const SELECT_PATH =
  "select id, path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca from ValidPaths where path = ?";

export class NixDatabase {
  readonly file: string;
  readonly mode: NixDatabaseMode;
  #db: Database.Database;
  #snapshotDir: string | undefined;
  #selectPath: Database.Statement<[string], ValidPathRow>;
  #selectReferences: Database.Statement<[number], { path: string }>;
  #selectReferrers: Database.Statement<[string], { path: string }>;
  #selectFirstFrom: Database.Statement<[string], { path: string }>;
  #selectAll: Database.Statement<[], { path: string }>;
  #selectOutputs: Database.Statement<[number], { path: string }>;

  private constructor(file: string, db: Database.Database, mode: NixDatabaseMode, snapshotDir?: string) {
    this.file = file;
    this.mode = mode;
    this.#db = db;
    this.#snapshotDir = snapshotDir;
    try {
      this.#selectPath = db.prepare<[string], ValidPathRow>(SELECT_PATH);
      this.#selectReferences = db.prepare<[number], { path: string }>(
        "select path from Refs join ValidPaths on reference = id where referrer = ?",
      );
      this.#selectReferrers = db.prepare<[string], { path: string }>(
        "select path from Refs join ValidPaths on referrer = id where reference = (select id from ValidPaths where path = ?)",
      );
      this.#selectFirstFrom = db.prepare<[string], { path: string }>(
        "select path from ValidPaths where path >= ? order by path limit 1",
      );
      this.#selectAll = db.prepare<[], { path: string }>("select path from ValidPaths");
      this.#selectOutputs = db.prepare<[number], { path: string }>("select path from DerivationOutputs where drv = ?");
    } catch (error) {
      this.close();
      throw new LocalStoreError(
        "LOCAL_STORE_DB_CORRUPT",
        file,
        `${file} is not a Nix store database: ${describe(error)}; expected the ValidPaths, Refs and DerivationOutputs tables of Nix's schema`,
        { cause: error },
      );
    }
  }

  /** Opens `file` read-only; falls back to an in-memory snapshot when the WAL index cannot be set up (see NixDatabaseMode). */
  static open(file: string): NixDatabase {
    const live = openLive(file);
    if (live !== undefined) return new NixDatabase(file, live, "wal");
    const snapshot = openSnapshot(file);
    return new NixDatabase(file, snapshot.db, "snapshot", snapshot.dir);
  }

  pathRow(path: string): ValidPathRow | undefined {
    return this.#run(() => this.#selectPath.get(path));
  }

  referencesOf(id: number): string[] {
    return this.#run(() => this.#selectReferences.all(id).map((row) => row.path));
  }

  referrersOf(path: string): string[] {
    return this.#run(() => this.#selectReferrers.all(path).map((row) => row.path));
  }

  /** The smallest valid path that sorts at or after `prefix`, if any. */
  firstPathFrom(prefix: string): string | undefined {
    return this.#run(() => this.#selectFirstFrom.get(prefix)?.path);
  }

  allPaths(): string[] {
    return this.#run(() => this.#selectAll.all().map((row) => row.path));
  }

  /** Output paths recorded for the derivation with this row id (they may or may not be valid). */
  derivationOutputsOf(drvId: number): string[] {
    return this.#run(() => this.#selectOutputs.all(drvId).map((row) => row.path));
  }

  /** Runs `body` inside one read transaction, so every query in it sees the same state of the database. */
  consistentRead<T>(body: () => T): T {
    if (this.#db.inTransaction) return body();
    return this.#run(() => this.#db.transaction(body).deferred());
  }

  close(): void {
    this.#db.close();
    if (this.#snapshotDir !== undefined) rmSync(this.#snapshotDir, { recursive: true, force: true });
    this.#snapshotDir = undefined;
  }

  get open(): boolean {
    return this.#db.open;
  }

  #run<T>(query: () => T): T {
    if (!this.#db.open)
      throw new LocalStoreError(
        "LOCAL_STORE_CLOSED",
        this.file,
        `the local store database ${this.file} was already closed`,
      );
    try {
      return query();
    } catch (error) {
      if (error instanceof LocalStoreError || !isSqliteError(error)) throw error;
      throw new LocalStoreError(
        "LOCAL_STORE_DB_UNREADABLE",
        this.file,
        `cannot read the Nix database ${this.file}: ${describe(error)}`,
        { cause: error },
      );
    }
  }
}

/** A live read-only connection, or undefined when SQLite cannot create the WAL index files for it. */
function openLive(file: string): Database.Database | undefined {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, ...sqliteAddonOption() });
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    // The first read is what opens (or fails to create) the -wal and -shm files.
    db.prepare("select count(*) from sqlite_master").get();
    return db;
  } catch (error) {
    db.close();
    if (isSqliteError(error) && WAL_SETUP_FAILURES.has(error.code)) return undefined;
    throw unreadable(file, error);
  }
}

/** A private copy of the database (and its WAL, which may hold committed transactions) in a fresh temp dir. */
function openSnapshot(file: string): { db: Database.Database; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "narwhal-nix-db-"));
  const copy = join(dir, "db.sqlite");
  try {
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = new Database(copy, { readonly: true, fileMustExist: true, ...sqliteAddonOption() });
    db.prepare("select count(*) from sqlite_master").get();
    return { db, dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): LocalStoreError {
  return new LocalStoreError(
    "LOCAL_STORE_DB_UNREADABLE",
    file,
    `cannot open the Nix database ${file} read-only: ${describe(error)}; it must be an existing, readable SQLite file`,
    { cause: error },
  );
}

function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  return error instanceof Database.SqliteError;
}

function describe(error: unknown): string {
  if (isSqliteError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
