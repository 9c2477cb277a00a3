// New valid paths of a local Nix store, in the order Nix registered them: ValidPaths rows with an id above a
// cursor. Ids only grow (the column is AUTOINCREMENT and SQLite commits one writer at a time), so `id > cursor`
// never misses a path committed after the cursor was taken.

import Database from "better-sqlite3";
import { sqliteAddonOption } from "@narwhal/local-store";
import { PushQueueError, messageOf } from "./errors.js";

export interface ValidPathRow {
  readonly id: number;
  readonly path: string;
}

/** How long a query waits for Nix's write lock before failing (as @narwhal/local-store waits). */
const BUSY_TIMEOUT_MS = 10_000;

export class ValidPathFeed {
  readonly databaseFile: string;
  readonly #db: Database.Database;
  readonly #after: Database.Statement<[number, number], ValidPathRow>;
  readonly #highest: Database.Statement<[], { id: number | null }>;

  private constructor(databaseFile: string, db: Database.Database) {
    this.databaseFile = databaseFile;
    this.#db = db;
    this.#after = db.prepare<[number, number], ValidPathRow>(
      "select id, path from ValidPaths where id > ? order by id limit ?",
    );
    // sqlite_sequence keeps the highest id ever given, also after GC deleted the newest rows.
    this.#highest = db.prepare<[], { id: number | null }>(
      "select max(coalesce((select seq from sqlite_sequence where name = 'ValidPaths'), 0), coalesce((select max(id) from ValidPaths), 0)) as id",
    );
  }

  /**
   * A live read-only connection to the database (WAL mode, so Nix's commits are seen as they happen).
   * WATCH_DATABASE_NOT_LIVE when SQLite cannot read it in place (this user cannot write the db directory).
   */
  static open(databaseFile: string): ValidPathFeed {
    let db: Database.Database | undefined;
    try {
      db = new Database(databaseFile, {
        readonly: true,
        fileMustExist: true,
        timeout: BUSY_TIMEOUT_MS,
        ...sqliteAddonOption(),
      });
      const feed = new ValidPathFeed(databaseFile, db);
      feed.highestId();
      return feed;
    } catch (error) {
      db?.close();
      throw new PushQueueError(
        "WATCH_DATABASE_NOT_LIVE",
        databaseFile,
        `cannot watch the Nix database ${databaseFile}: ${messageOf(error)}; watching needs a live read-only connection (run as root or as the user owning the store)`,
        { cause: error },
      );
    }
  }

  /** The highest id Nix has given a valid path so far. */
  highestId(): number {
    return this.#highest.get()?.id ?? 0;
  }

  /** Up to `limit` valid paths registered after `cursor`, oldest first. */
  after(cursor: number, limit: number): ValidPathRow[] {
    return this.#after.all(cursor, limit);
  }

  close(): void {
    this.#db.close();
  }
}
