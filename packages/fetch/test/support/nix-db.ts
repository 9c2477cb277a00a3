// Direct SQL on a local store's real Nix database for the tests that make registration itself fail (a trigger
// that aborts an insert, a deferred constraint that fails at COMMIT); better-sqlite3 as @narwhal/local-store uses it.

import { createRequire } from "node:module";
import { join } from "node:path";

type Database = { exec(sql: string): void; close(): void };
const require = createRequire(createRequire(import.meta.url).resolve("@narwhal/local-store"));
const BetterSqlite3 = require("better-sqlite3") as new (file: string) => Database;

/** Runs `sql` on the database of the chroot store at `root` (which must exist: open a registry first). */
export function execOnStoreDb(root: string, sql: string): void {
  const db = new BetterSqlite3(join(root, "nix/var/nix/db/db.sqlite"));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
