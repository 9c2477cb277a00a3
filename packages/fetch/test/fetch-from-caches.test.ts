// Fetching from caches written by real Nix (every compression) and by narwhal: every path unpacks byte-identical
// to the original, a closure copied into a chroot store is seen and verified by real Nix, and copying is idempotent.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpPath } from "@narwhal/nar";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { copyClosureToLocalStore, fetchPath, queryClosure } from "../src/index.js";
import {
  buildClosure,
  hasNix,
  narOf,
  nix,
  nixCache,
  nixPathInfo,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";

describe.skipIf(!hasNix)("fetching from real caches", () => {
  let closure: NixClosure;
  let trusted: TrustedKeys;

  beforeAll(() => {
    closure = buildClosure("caches");
    trusted = TrustedKeys.from(closure.publicKey);
  });
  afterAll(removeTempDirs);

  async function expectFetchesAll(url: string): Promise<void> {
    const store = await BinaryCacheStore.open(url, { trustedPublicKeys: trusted, createCacheInfo: false });
    const out = tempDir("out");
    for (const [index, path] of closure.paths.entries()) {
      const target = join(out, String(index));
      const fetched = await fetchPath(store, path, target);
      expect(fetched.storePath).toBe(path);
      expect(narOf(target).equals(narOf(path))).toBe(true);
    }
    expect(readdirSync(out).sort()).toEqual(closure.paths.map((_, index) => String(index)).sort());
  }

  for (const compression of ["xz", "zstd", "bzip2", "none", "gzip"]) {
    it(`fetches every path of a cache real Nix wrote with compression=${compression}`, async () => {
      await expectFetchesAll(nixCache(closure, compression));
    });
  }

  it("fetches from a brotli cache real Nix wrote, when this Nix can write one", async (context) => {
    let url: string;
    try {
      url = nixCache(closure, "br");
    } catch {
      context.skip();
      return;
    }
    await expectFetchesAll(url);
  });

  it("fetches every path of a cache narwhal wrote", async () => {
    const dir = tempDir("narwhal-cache");
    const writer = await BinaryCacheStore.open(`file://${dir}?compression=zstd&secret-key=${closure.secretKeyFile}`, {
      trustedPublicKeys: trusted,
    });
    for (const info of nixPathInfo(closure.paths))
      await writer.addToStore({ info, nar: dumpPath(info.storePath.path) });
    await expectFetchesAll(`file://${dir}`);
  });

  it("lists a closure references first and names a missing reference and its referrer", async () => {
    const url = nixCache(closure, "zstd");
    const store = await BinaryCacheStore.open(url, { trustedPublicKeys: trusted, createCacheInfo: false });
    const order = (await queryClosure(store, [closure.output, closure.tree])).map((info) => info.storePath.path);
    expect(order.indexOf(closure.dependency)).toBeLessThan(order.indexOf(closure.output));
    expect(new Set(order)).toEqual(new Set(closure.paths));
    const { rmSync } = await import("node:fs");
    rmSync(join(url.slice("file://".length), `${closure.dependency.slice(11, 43)}.narinfo`));
    const fresh = await BinaryCacheStore.open(url, { trustedPublicKeys: trusted, createCacheInfo: false });
    await expect(queryClosure(fresh, [closure.output])).rejects.toMatchObject({
      code: "REFERENCE_NOT_IN_CACHE",
      message: expect.stringContaining(`a reference of ${closure.output}`),
    });
  });

  it("copies a closure into a chroot store that real Nix then lists and verifies", async () => {
    const url = nixCache(closure, "xz");
    const store = await BinaryCacheStore.open(url, { trustedPublicKeys: trusted, createCacheInfo: false });
    const root = tempDir("root");
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    try {
      const result = await copyClosureToLocalStore(store, registry, [closure.output, closure.tree], { jobs: 3 });
      expect(result.failed).toEqual([]);
      expect(result.copied.map((item) => item.storePath).sort()).toEqual([...closure.paths].sort());
      const again = await copyClosureToLocalStore(store, registry, [closure.output, closure.tree]);
      expect(again.copied).toEqual([]);
      expect(again.alreadyValid.sort()).toEqual([closure.output, closure.tree].sort());
    } finally {
      registry.close();
    }
    const infos = JSON.parse(
      nix("nix", ["path-info", "--store", `local?root=${root}`, "--json", ...closure.paths]),
    ) as Array<{ path: string; narHash: string; references: string[]; signatures?: string[] }>;
    const originals = JSON.parse(nix("nix", ["path-info", "--json", ...closure.paths])) as Array<{
      path: string;
      narHash: string;
      references: string[];
    }>;
    for (const original of originals) {
      const copied = infos.find((info) => info.path === original.path)!;
      expect(copied.narHash).toBe(original.narHash);
      expect(copied.references).toEqual(original.references);
    }
    expect(infos.find((info) => info.path === closure.output)!.signatures?.[0]).toMatch(/^fetch-test-caches-1:/);
    nix("nix-store", ["--verify", "--check-contents", "--store", `local?root=${root}`]);
    for (const path of closure.paths) expect(narOf(join(root, path)).equals(narOf(path))).toBe(true);
    expect(readdirSync(join(root, "nix/store")).filter((name) => name.includes(".narwhal-"))).toEqual([]);
    expect(existsSync(join(root, "nix/var/nix/db/schema"))).toBe(true);
  });
});
