// Registering paths in a local store's database: a fresh store gets Nix 2.8's schema and version file, references
// must be registered first (else nothing is written), a derivation's outputs are recorded from the text passed in
// (never the file: real Nix then finds them), beforeCommit is atomic with the rows, and what we register reads back.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { hasNix } from "@narwhal/test-kit";
import { hashBytes, makeStorePath, parseStorePath } from "@narwhal/store-path";
import { NIX_DB_SCHEMA_VERSION, openLocalStore, openLocalStoreRegistry } from "../src/index.js";

const roots: string[] = [];
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "narwhal-registry-"));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const dependency = makeStorePath("output:out", hashBytes("sha256", "registry dep"), "dep-1.0");
const referrer = makeStorePath("output:out", hashBytes("sha256", "registry referrer"), "app-1.0");

describe("LocalStoreRegistry", () => {
  it("creates the database with schema version 10 and registers paths that read back", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    registry.registerValidPath({
      storePath: dependency,
      narHash: hashBytes("sha256", "dep nar"),
      narSize: 120,
      references: [],
      ca: "fixed:r:sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
    });
    registry.registerValidPath({
      storePath: referrer,
      narHash: hashBytes("sha256", "app nar"),
      narSize: 456,
      references: [dependency, referrer],
      sigs: ["k-1:c2ln"],
      registrationTime: 1234,
    });
    registry.close();
    expect(readFileSync(join(root, "nix/var/nix/db/schema"), "utf8")).toBe(String(NIX_DB_SCHEMA_VERSION));
    const store = openLocalStore(`local?root=${root}`);
    try {
      const info = store.queryPathInfo(referrer)!;
      expect(info.narHash.equals(hashBytes("sha256", "app nar"))).toBe(true);
      expect(info.references.map((reference) => reference.path).sort()).toEqual(
        [dependency.path, referrer.path].sort(),
      );
      expect(info.sigs).toEqual(["k-1:c2ln"]);
      expect(info.registrationTime).toBe(1234);
      expect(store.queryPathInfo(dependency)!.ca).toMatch(/^fixed:r:sha256:/);
      expect(store.computeClosure([referrer]).map((item) => item.storePath.path)).toEqual([
        dependency.path,
        referrer.path,
      ]);
    } finally {
      store.close();
    }
  });

  it("refuses a path whose reference is not valid, writing nothing", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry({ root });
    expect(() =>
      registry.registerValidPath({
        storePath: referrer,
        narHash: hashBytes("sha256", "x"),
        narSize: 8,
        references: [dependency],
      }),
    ).toThrow(
      expect.objectContaining({
        code: "LOCAL_STORE_PATH_NOT_VALID",
        message: expect.stringContaining(dependency.path),
      }),
    );
    expect(registry.isValidPath(referrer)).toBe(false);
    expect(() =>
      registry.registerValidPath({
        storePath: dependency,
        narHash: hashBytes("sha256", "x"),
        narSize: 0,
        references: [],
      }),
    ).toThrow(/narSize must be a positive integer/);
    registry.close();
  });

  it("records a derivation's known outputs from the text it is given, which real Nix then finds; a missing or malformed text is refused", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry({ root });
    const out = makeStorePath("output:out", hashBytes("sha256", "drv out"), "thing-1.0");
    const dev = makeStorePath("output:dev", hashBytes("sha256", "drv dev"), "thing-1.0-dev");
    const drv = parseStorePath("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-thing-1.0.drv");
    const text = `Derive([("dev","${dev.path}","",""),("floating","","r:sha256",""),("out","${out.path}","","")],[],[],"x86_64-linux","/bin/sh",[],[("out","${out.path}")])`;
    mkdirSync(registry.realStoreDir, { recursive: true });
    // what is on disk is never read: a different derivation sits at the path, and the registry must not see it
    writeFileSync(registry.realPath(drv), `Derive([("out","${dev.path}","","")],[],[],"x86_64-linux","/bin/sh",[],[])`);
    writeFileSync(registry.realPath(out), "built");
    registry.registerValidPath({
      storePath: out,
      narHash: hashBytes("sha256", "out nar"),
      narSize: 112,
      references: [],
    });
    registry.registerValidPath({
      storePath: drv,
      narHash: hashBytes("sha256", "drv nar"),
      narSize: 400,
      references: [],
      derivation: text,
    });

    const missing = parseStorePath("/nix/store/abcdfghijklmnpqrsvwxyz0123456789-missing.drv");
    writeFileSync(registry.realPath(missing), text); // a file in place is not enough: the text is a parameter
    expect(() =>
      registry.registerValidPath({ storePath: missing, narHash: hashBytes("sha256", "m"), narSize: 8, references: [] }),
    ).toThrow(
      expect.objectContaining({
        code: "LOCAL_STORE_BAD_OPTIONS",
        message: expect.stringContaining(`cannot register derivation ${missing.path}: its text`),
      }),
    );
    const broken = parseStorePath("/nix/store/bcdfghijklmnpqrsvwxyz0123456789a-broken.drv");
    expect(() =>
      registry.registerValidPath({
        storePath: broken,
        narHash: hashBytes("sha256", "b"),
        narSize: 8,
        references: [],
        derivation: 'Derive([("out"',
      }),
    ).toThrow(/cannot register derivation .*broken\.drv: invalid derivation/);
    const foreign = parseStorePath("/nix/store/cdfghijklmnpqrsvwxyz0123456789ab-foreign.drv");
    expect(() =>
      registry.registerValidPath({
        storePath: foreign,
        narHash: hashBytes("sha256", "f"),
        narSize: 8,
        references: [],
        derivation: 'Derive([("out","/elsewhere/cdfghijklmnpqrsvwxyz0123456789ab-x","","")],[],[],"s","/bin/sh",[],[])',
      }),
    ).toThrow(
      expect.objectContaining({
        code: "LOCAL_STORE_BAD_PATH",
        message: expect.stringContaining("its output out is not a store path of /nix/store"),
      }),
    );
    expect(registry.isValidPath(missing) || registry.isValidPath(broken) || registry.isValidPath(foreign)).toBe(false);
    registry.close();

    const db = new Database(join(root, "nix/var/nix/db/db.sqlite"), { readonly: true });
    const rows = db
      .prepare(
        "select o.id, o.path from DerivationOutputs o join ValidPaths v on v.id = o.drv where v.path = ? order by o.id",
      )
      .all(drv.path);
    db.close();
    expect(rows).toEqual([
      { id: "dev", path: dev.path },
      { id: "out", path: out.path },
    ]);
    if (hasNix()) {
      const closure = execFileSync(
        "nix-store",
        ["--store", `local?root=${root}`, "-qR", "--include-outputs", drv.path],
        { encoding: "utf8" },
      )
        .trim()
        .split("\n")
        .sort();
      expect(closure).toEqual([drv.path, out.path].sort()); // dev is not valid, so Nix leaves it out
    }
  });

  it("never opens the file at a derivation's path (a FIFO there would block a read forever)", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry({ root });
    const out = makeStorePath("output:out", hashBytes("sha256", "fifo out"), "fifo-1.0");
    const drv = parseStorePath("/nix/store/dfghijklmnpqrsvwxyz0123456789abc-fifo-1.0.drv");
    execFileSync("mkfifo", [registry.realPath(drv)]);
    registry.registerValidPath({
      storePath: drv,
      narHash: hashBytes("sha256", "fifo drv"),
      narSize: 200,
      references: [],
      derivation: `Derive([("out","${out.path}","","")],[],[],"x86_64-linux","/bin/sh",[],[])`,
    });
    expect(registry.isValidPath(drv)).toBe(true);
    registry.close();
  });

  it("runs beforeCommit inside the transaction: a throw, or a commit that fails after it, writes nothing", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry({ root });
    const ran: string[] = [];
    const refusal = new Error("moving into place failed");
    expect(() =>
      registry.registerValidPath(
        { storePath: dependency, narHash: hashBytes("sha256", "d"), narSize: 8, references: [] },
        {
          beforeCommit: () => {
            ran.push("refused");
            expect(registry.isValidPath(dependency)).toBe(true); // the row is written, not yet committed
            throw refusal;
          },
        },
      ),
    ).toThrow(refusal);
    expect(registry.isValidPath(dependency)).toBe(false);
    registry.close();

    // A real commit-time failure: a deferred foreign key a trigger violates only shows at COMMIT, after beforeCommit ran.
    const db = new Database(join(root, "nix/var/nix/db/db.sqlite"));
    db.exec(`create table Trap (ref integer references ValidPaths(id) deferrable initially deferred);
      create trigger TrapInsert after insert on ValidPaths when new.path like '%-app-1.0' begin insert into Trap values (-1); end;`);
    db.close();
    const again = openLocalStoreRegistry({ root });
    again.registerValidPath({ storePath: dependency, narHash: hashBytes("sha256", "d"), narSize: 8, references: [] });
    expect(() =>
      again.registerValidPath(
        { storePath: referrer, narHash: hashBytes("sha256", "r"), narSize: 8, references: [dependency] },
        {
          beforeCommit: () => ran.push("commit"),
        },
      ),
    ).toThrow(
      expect.objectContaining({
        code: "LOCAL_STORE_DB_WRITE_FAILED",
        message: expect.stringMatching(/cannot register .*-app-1\.0 in .*db\.sqlite: FOREIGN KEY/),
      }),
    );
    expect(ran).toEqual(["refused", "commit"]);
    expect(again.isValidPath(referrer)).toBe(false);
    expect(again.isValidPath(dependency)).toBe(true);
    again.close();
  });
});
