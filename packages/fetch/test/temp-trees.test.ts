// Temp trees: their names fit in NAME_MAX whatever the target's name (UTF-8 cut on a character boundary) and say
// which process made them; a stale one (its process gone) is removed, by copyClosureToLocalStore too, a live one kept.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { BinaryCacheStore } from "@narwhal/store";
import {
  copyClosureToLocalStore,
  NAME_MAX,
  removeStaleTempTrees,
  tempTreeOwner,
  tempTreePrefix,
} from "../src/index.js";
import { removeTempDirs, tempDir } from "@narwhal/cache-fixtures";

afterAll(removeTempDirs);

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

/** A temp tree as an interrupted copy leaves it: canonicalised, read-only. */
function makeTree(dir: string, name: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, "path", "sub"), { recursive: true });
  writeFileSync(join(path, "path", "sub", "file"), "partial");
  chmodSync(join(path, "path", "sub"), 0o555);
  chmodSync(join(path, "path"), 0o555);
  return path;
}

describe("temp tree names", () => {
  it("stay within NAME_MAX for the longest store path name and for multi-byte names", () => {
    const longest = `${"0".repeat(32)}-${"n".repeat(211)}`; // 244 bytes, the longest store path base name
    for (const name of [longest, "é".repeat(127), "€".repeat(85), "🐋".repeat(63), "x"]) {
      const prefix = tempTreePrefix(name);
      expect(Buffer.byteLength(`${prefix}XXXXXX`), name).toBeLessThanOrEqual(NAME_MAX);
      expect(prefix.startsWith(`.narwhal-${process.pid}-`)).toBe(true);
      const label = prefix.slice(`.narwhal-${process.pid}-`.length, -1);
      expect(name.startsWith(label)).toBe(true); // a prefix of the name, no character split (no U+FFFD)
      expect(label).not.toContain("\uFFFD");
      expect(Buffer.byteLength(label)).toBeLessThanOrEqual(64);
    }
    expect(tempTreePrefix(longest).slice(`.narwhal-${process.pid}-`.length)).toBe(`${longest.slice(0, 64)}-`);
  });

  it("name the process that made them", () => {
    expect(tempTreeOwner(`${tempTreePrefix("abc-hello")}Ab12Cd`)).toBe(process.pid);
    expect(tempTreeOwner(".narwhal-hello")).toBeUndefined();
    expect(tempTreeOwner(".abc-hello.narwhal-Ab12Cd")).toBeUndefined();
  });
});

describe("stale temp trees", () => {
  it("are removed when their process is gone; live ones and other files are kept", async () => {
    const dir = tempDir("stale");
    const stale = makeTree(dir, `${tempTreePrefix("abc-hello", deadPid())}Ab12Cd`);
    const live = makeTree(dir, `${tempTreePrefix("abc-hello", process.ppid)}Ef34Gh`);
    writeFileSync(join(dir, ".narwhal-notes"), "mine");
    expect(await removeStaleTempTrees(dir)).toEqual([stale.slice(dir.length + 1)]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([".narwhal-notes", live.slice(dir.length + 1)].sort());
    chmodSync(join(live, "path"), 0o755);
  });

  it("are removed from the store by copyClosureToLocalStore", async () => {
    const root = tempDir("stale-root");
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    const stale = makeTree(
      registry.realStoreDir,
      `${tempTreePrefix("0123456789abcdfghijklmnpqrsvwxyz-gone", deadPid())}Ab12Cd`,
    );
    const cache = tempDir("stale-cache");
    const store = await BinaryCacheStore.open(`file://${cache}`, { requireSigs: false });
    try {
      const result = await copyClosureToLocalStore(store, registry, []);
      expect(result.copied).toEqual([]);
    } finally {
      registry.close();
    }
    expect(existsSync(stale)).toBe(false);
  });
});
