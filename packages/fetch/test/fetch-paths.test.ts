// Several paths in one call: each at DIR/<hash>-<name>, byte-identical to the original; a path the cache lacks or
// whose target exists fails alone, named, while the others are fetched; a bad path is refused before any fetch.

import { mkdirSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import {
  buildClosure,
  hasNix,
  narOf,
  nixCache,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";
import { fetchPathsInto, fetchTargetIn } from "../src/index.js";

describe.skipIf(!hasNix)("fetchPathsInto", () => {
  let closure: NixClosure;
  let store: BinaryCacheStore;

  beforeAll(async () => {
    closure = buildClosure("several");
    store = await BinaryCacheStore.open(nixCache(closure, "zstd"), {
      trustedPublicKeys: TrustedKeys.from(closure.publicKey),
      createCacheInfo: false,
    });
  });
  afterAll(async () => {
    await store.close();
    removeTempDirs();
  });

  it("unpacks every path at DIR/<hash>-<name>, in the given order, a repeated path once", async () => {
    const out = join(tempDir("several"), "new-dir");
    let bytes = 0;
    const result = await fetchPathsInto(store, [...closure.paths, closure.paths[0]!], out, {
      jobs: 2,
      onNarBytes: (n) => {
        bytes += n;
      },
    });
    expect(result.failed).toEqual([]);
    expect(result.fetched.map((f) => f.storePath)).toEqual(closure.paths);
    expect(readdirSync(out).sort()).toEqual(closure.paths.map((p) => basename(p)).sort());
    for (const path of closure.paths) expect(narOf(fetchTargetIn(out, path)).equals(narOf(path))).toBe(true);
    expect(bytes).toBe(result.fetched.reduce((sum, f) => sum + f.narSize, 0));
  });

  it("reports a missing path and an existing target by path and code, and fetches the rest", async () => {
    const out = tempDir("partial");
    const [first, second, third] = closure.paths as [string, string, string];
    mkdirSync(fetchTargetIn(out, second));
    const missing = `${first.slice(0, 11)}${"0".repeat(32)}${first.slice(43)}`;
    const result = await fetchPathsInto(store, [first, second, missing, third], out);
    expect(result.fetched.map((f) => f.storePath)).toEqual([first, third]);
    expect(result.failed.map((f) => [f.storePath, (f.error as { code?: string }).code])).toEqual([
      [second, "TARGET_EXISTS"],
      [missing, "PATH_NOT_IN_CACHE"],
    ]);
    expect(readdirSync(fetchTargetIn(out, second))).toEqual([]);
    expect(readdirSync(out).sort()).toEqual([basename(first), basename(second), basename(third)].sort());
  });

  it("refuses a path outside the store directory before fetching anything", async () => {
    const out = join(tempDir("refused"), "out");
    await expect(fetchPathsInto(store, [closure.paths[0]!, "/tmp/not-a-store-path"], out)).rejects.toThrow(
      /not-a-store-path/,
    );
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });
});
