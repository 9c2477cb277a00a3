// A store path with the longest name Nix allows (211 characters: a 244-byte base name) fetches and copies into a
// local store: every temp name narwhal makes beside it fits in NAME_MAX (255 bytes), as real Nix's copy does.

import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { copyClosureToLocalStore, fetchPath } from "../src/index.js";
import { buildClosure, hasNix, narOf, nix, removeTempDirs, tempDir, type NixClosure } from "@narwhal/cache-fixtures";

export const LONGEST_NAME_LENGTH = 211;

describe.skipIf(!hasNix)("a store path with a 211-character name", () => {
  let closure: NixClosure;
  let path: string;
  let cache: string;

  beforeAll(() => {
    closure = buildClosure("long");
    const dir = join(tempDir("long-src"), "d");
    mkdirSync(dir);
    const name = `long-${process.pid}-${Date.now()}-`.padEnd(LONGEST_NAME_LENGTH, "n");
    writeFileSync(join(dir, name), `the longest name ${Date.now()}\n`);
    path = nix("nix-store", ["--add", join(dir, name)]);
    expect(basename(path)).toHaveLength(32 + 1 + LONGEST_NAME_LENGTH);
    const cacheDir = tempDir("long-cache");
    nix("nix", ["copy", "--to", `file://${cacheDir}?compression=zstd&secret-key=${closure.secretKeyFile}`, path]);
    cache = `file://${cacheDir}`;
  });
  afterAll(removeTempDirs);

  const open = (): Promise<BinaryCacheStore> =>
    BinaryCacheStore.open(cache, { trustedPublicKeys: TrustedKeys.from(closure.publicKey), createCacheInfo: false });

  it("fetches to a target with the same 244-byte name", async () => {
    const out = tempDir("long-out");
    const target = join(out, basename(path));
    await fetchPath(await open(), path, target);
    expect(narOf(target).equals(narOf(path))).toBe(true);
    expect(readdirSync(out)).toEqual([basename(path)]);
  });

  it("copies into a local store that real Nix then verifies", async () => {
    const root = tempDir("long-root");
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    try {
      const result = await copyClosureToLocalStore(await open(), registry, [path]);
      expect(result.failed).toEqual([]);
      expect(result.copied.map((item) => item.storePath)).toEqual([path]);
    } finally {
      registry.close();
    }
    nix("nix-store", ["--verify", "--check-contents", "--store", `local?root=${root}`]);
    expect(narOf(join(root, path)).equals(narOf(path))).toBe(true);
    expect(readdirSync(join(root, "nix/store")).filter((name) => name !== ".links")).toEqual([basename(path)]); // .links: Nix's --verify
  });
});
