// Registering paths in a local store's database: a fresh store gets Nix 2.8's schema and version file, references
// must be registered first (else nothing is written), and what we register reads back through LocalStore.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashBytes, makeStorePath } from "@narwhal/store-path";
import { NIX_DB_SCHEMA_VERSION, openLocalStore, openLocalStoreRegistry } from "../src/index.js";

const roots: string[] = [];
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "narwhal-registry-"));
  roots.push(root);
  return root;
}
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const dependency = makeStorePath("output:out", hashBytes("sha256", "registry dep"), "dep-1.0");
const referrer = makeStorePath("output:out", hashBytes("sha256", "registry referrer"), "app-1.0");

describe("LocalStoreRegistry", () => {
  it("creates the database with schema version 10 and registers paths that read back", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    registry.registerValidPath({ storePath: dependency, narHash: hashBytes("sha256", "dep nar"), narSize: 120, references: [], ca: "fixed:r:sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s" });
    registry.registerValidPath({
      storePath: referrer, narHash: hashBytes("sha256", "app nar"), narSize: 456, references: [dependency, referrer], sigs: ["k-1:c2ln"], registrationTime: 1234,
    });
    registry.close();
    expect(readFileSync(join(root, "nix/var/nix/db/schema"), "utf8")).toBe(String(NIX_DB_SCHEMA_VERSION));
    const store = openLocalStore(`local?root=${root}`);
    try {
      const info = store.queryPathInfo(referrer)!;
      expect(info.narHash.equals(hashBytes("sha256", "app nar"))).toBe(true);
      expect(info.references.map((reference) => reference.path).sort()).toEqual([dependency.path, referrer.path].sort());
      expect(info.sigs).toEqual(["k-1:c2ln"]);
      expect(info.registrationTime).toBe(1234);
      expect(store.queryPathInfo(dependency)!.ca).toMatch(/^fixed:r:sha256:/);
      expect(store.computeClosure([referrer]).map((item) => item.storePath.path)).toEqual([dependency.path, referrer.path]);
    } finally {
      store.close();
    }
  });

  it("refuses a path whose reference is not valid, writing nothing", () => {
    const root = freshRoot();
    const registry = openLocalStoreRegistry({ root });
    expect(() => registry.registerValidPath({ storePath: referrer, narHash: hashBytes("sha256", "x"), narSize: 8, references: [dependency] }))
      .toThrow(expect.objectContaining({ code: "LOCAL_STORE_PATH_NOT_VALID", message: expect.stringContaining(dependency.path) }));
    expect(registry.isValidPath(referrer)).toBe(false);
    expect(() => registry.registerValidPath({ storePath: dependency, narHash: hashBytes("sha256", "x"), narSize: 0, references: [] })).toThrow(/narSize must be a positive integer/);
    registry.close();
  });
});
