// The store view over hand-made Nix databases: closures with derivation outputs, cycles and inconsistent
// references refused, unreadable or foreign databases and corrupt values reported with the file and the rule.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@narwhal/test-kit";
import Database from "better-sqlite3";
import { StorePath } from "@narwhal/store-path";
import { describe, expect, it } from "vitest";
import { LocalStoreError, openLocalStore } from "../src/index.js";
import { writeFixtureDb } from "./support/fixture-db.js";

const p = (hashDigit: string, name: string): string => `/nix/store/${hashDigit.repeat(32)}-${name}`;
const [lib, app, drv, out, missingOut] = [
  p("1", "lib"),
  p("2", "app"),
  p("3", "app.drv"),
  p("4", "app-out"),
  p("5", "app-dev"),
];

function thrown(action: () => unknown): LocalStoreError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(LocalStoreError);
    return error as LocalStoreError;
  }
  throw new Error("expected a LocalStoreError, nothing was thrown");
}

describe("a local store over a hand-made database", () => {
  it("closes over references, adds valid derivation outputs on request, and orders references first", () =>
    withTempDir(async (dir) => {
      const stateDir = writeFixtureDb(dir, [
        { path: app, references: [lib, app] },
        { path: lib },
        { path: drv, references: [lib], outputs: { out, dev: missingOut } },
        { path: out, references: [app] },
      ]);
      const store = openLocalStore({ stateDir });
      try {
        expect(store.computeClosure([app]).map((info) => info.storePath.path)).toEqual([lib, app]);
        expect(store.computeClosure([drv]).map((info) => info.storePath.path)).toEqual([lib, drv]);
        expect(store.computeClosure([drv], { includeOutputs: true }).map((info) => info.storePath.path)).toEqual([
          lib,
          app,
          drv,
          out,
        ]);
        expect(store.queryReferrers(lib).map(String)).toEqual([app, drv]);
        expect(store.queryReferrers(app).map(String)).toEqual([app, out]);
        expect(store.queryPathInfo(app)!.narHash.digest.equals(Buffer.alloc(32))).toBe(true);
      } finally {
        store.close();
      }
    }));

  it("refuses a closure whose references form a cycle", () =>
    withTempDir(async (dir) => {
      const store = openLocalStore({
        stateDir: writeFixtureDb(dir, [
          { path: app, references: [lib] },
          { path: lib, references: [app] },
        ]),
      });
      try {
        const error = thrown(() => store.computeClosure([app]));
        expect(error.code).toBe("LOCAL_STORE_REFERENCE_CYCLE");
        expect(error.message).toContain(app);
      } finally {
        store.close();
      }
    }));

  it("reports a corrupt NarHash with the database file and the rule", () =>
    withTempDir(async (dir) => {
      const store = openLocalStore({ stateDir: writeFixtureDb(dir, [{ path: app, hash: "md5:nonsense" }]) });
      try {
        const error = thrown(() => store.queryPathInfo(app));
        expect(error.code).toBe("LOCAL_STORE_DB_CORRUPT");
        expect(error.message).toContain("md5:nonsense");
        expect(error.message).toContain(join(dir, "db", "db.sqlite"));
      } finally {
        store.close();
      }
    }));

  it("refuses a missing database, a file that is not SQLite, and a SQLite file without Nix's tables", () =>
    withTempDir(async (dir) => {
      const missing = thrown(() => openLocalStore({ stateDir: join(dir, "nowhere") }));
      expect(missing.code).toBe("LOCAL_STORE_DB_UNREADABLE");
      expect(missing.message).toContain(join(dir, "nowhere", "db", "db.sqlite"));
      writeFixtureDb(join(dir, "text"), []);
      writeFileSync(
        join(dir, "text", "db", "db.sqlite"),
        "this is not a database, just some text that is long enough".repeat(20),
      );
      expect(thrown(() => openLocalStore({ stateDir: join(dir, "text") })).code).toBe("LOCAL_STORE_DB_UNREADABLE");
      mkdirSync(join(dir, "empty", "db"), { recursive: true });
      new Database(join(dir, "empty", "db", "db.sqlite")).exec("create table t (x)").close();
      expect(thrown(() => openLocalStore({ stateDir: join(dir, "empty") })).code).toBe("LOCAL_STORE_DB_CORRUPT");
    }));

  it("refuses paths of another store directory, relative options, and use after close", () =>
    withTempDir(async (dir) => {
      const store = openLocalStore({ stateDir: writeFixtureDb(dir, [{ path: app }]) });
      const foreign = new StorePath("2".repeat(32), "app", "/gnu/store");
      expect(thrown(() => store.isValidPath(foreign)).code).toBe("LOCAL_STORE_BAD_PATH");
      expect(thrown(() => store.isValidPath("/nix/store/app")).code).toBe("LOCAL_STORE_BAD_PATH");
      store.close();
      expect(thrown(() => store.isValidPath(app)).code).toBe("LOCAL_STORE_CLOSED");
      expect(thrown(() => openLocalStore({ root: "relative/dir" })).code).toBe("LOCAL_STORE_BAD_OPTIONS");
    }));
});
