// `narwhal copy` and `narwhal store add` run as a user would, from the real local Nix store into file:// caches:
// closures with shared dependencies, byte-identical NARs, skip-existing, .drv paths, --stdin, --no-recursive
// failures and exit codes, a copy SIGKILLed at a random moment (consistent cache, completed and cleaned by the
// next run), and `store add` matching `nix-store --add`.

import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryCacheStore } from "@narwhal/store";
import { narwhal } from "./run-narwhal.js";
import { buildClosure, cacheProblems, copyKilledThenAgain, hasNixStore, nixOut } from "./copy-support.js";

async function narOf(store: BinaryCacheStore, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of store.narFromPath(path)) parts.push(part);
  return Buffer.concat(parts);
}

describe.skipIf(!hasNixStore)("narwhal copy from the local Nix store to file://", () => {
  const work = mkdtempSync(join(tmpdir(), "narwhal-copy-cli-"));
  let roots: string[];
  let closure: string[];

  beforeAll(() => {
    ({ roots, closure } = buildClosure(`file-${process.pid}`));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("copies the closure (shared dependencies once), byte-identical, then skips everything on a second run", async () => {
    const url = `file://${join(work, "cache")}?compression=zstd`;
    const first = await narwhal(["copy", "--to", url, "--json", ...roots]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const summary = JSON.parse(first.stdout.toString());
    expect(summary).toMatchObject({ copied: closure.length, skipped: 0, failed: [] });
    expect(summary.bytes).toBeGreaterThan(0);
    expect(await cacheProblems(url)).toEqual([]);
    const store = await BinaryCacheStore.open(url, { requireSigs: false });
    for (const path of closure)
      expect(
        (await narOf(store, path)).equals(execFileSync("nix-store", ["--dump", path], { maxBuffer: 1 << 30 })),
      ).toBe(true);

    const second = await narwhal(["copy", "--to", url, "--json", ...roots]);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout.toString())).toMatchObject({
      copied: 0,
      skipped: closure.length,
      failed: [],
      bytes: 0,
    });
  });

  it("copies a .drv path as the derivation file itself, read from --stdin", async () => {
    const url = `file://${join(work, "drv-cache")}`;
    const drv = nixOut("nix-store", ["-qd", roots[0]!]);
    const result = await narwhal(["copy", "--to", url, "--stdin", "--json"], `${drv}\n`);
    expect(result.status).toBe(0);
    const drvClosure = nixOut("nix-store", ["-qR", drv]).split("\n");
    expect(JSON.parse(result.stdout.toString()).copied).toBe(drvClosure.length);
    const store = await BinaryCacheStore.open(url, { requireSigs: false });
    expect(await store.isValidPath(drv)).toBe(true);
    expect(await store.isValidPath(roots[0]!)).toBe(false);
  });

  it("exits non-zero with the failures listed: a reference missing without recursion, a path not in the store", async () => {
    const url = `file://${join(work, "flat-cache")}`;
    const flat = await narwhal(["copy", "--to", url, "--no-recursive", "--json", roots[1]!]);
    expect(flat.status).toBe(1);
    const summary = JSON.parse(flat.stdout.toString());
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatchObject({ path: roots[1] });
    expect(summary.failed[0].error).toContain("has no narinfo");
    expect(flat.stderr).toContain(roots[1]);
    const absent = await narwhal(["copy", "--to", url, "/nix/store/00000000000000000000000000000000-absent"]);
    expect(absent.status).toBe(1);
    expect(absent.stderr).toContain("00000000000000000000000000000000-absent");
    const noPaths = await narwhal(["copy", "--to", url]);
    expect(noPaths.status).toBe(2);
  });

  it("after SIGKILL at a random moment the cache is consistent, and the next run completes it and removes the killed run's temp files", async () => {
    const big = buildClosure(`file-kill-${process.pid}-${randomInt(1e9)}`, 40 * 1024 * 1024);
    const cache = join(work, `killed-${randomInt(1e9)}`);
    const url = `file://${cache}?compression=xz&compression-level=0`;
    await copyKilledThenAgain(url, big.roots, big.closure.length);
    const leftovers = readdirSync(cache, { recursive: true })
      .map(String)
      .filter((name) => name.includes(".narwhal-tmp-"));
    expect(leftovers).toEqual([]);
  });

  it("store add of a directory gives the path and NAR hash nix-store --add gives", async () => {
    const tree = join(work, "added-tree");
    mkdirSync(join(tree, "bin"), { recursive: true });
    writeFileSync(join(tree, "bin", "tool"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    writeFileSync(join(tree, "readme"), `narwhal ${process.pid}\n`);
    const url = `file://${join(work, "add-cache")}?compression=xz`;
    const result = await narwhal(["store", "add", tree, "--to", url, "--json"]);
    expect(result.stderr).toBe("");
    const added = JSON.parse(result.stdout.toString());
    const expected = nixOut("nix-store", ["--add", tree]);
    expect(added.storePath).toBe(expected);
    expect(added.narHash).toBe(nixOut("nix-store", ["-q", "--hash", expected]));
    const plain = await narwhal(["store", "add", tree, "--to", url]);
    expect(plain.stdout.toString()).toBe(`${expected}\n`);
    const store = await BinaryCacheStore.open(url, { requireSigs: false });
    expect((await narOf(store, expected)).equals(execFileSync("nix-store", ["--dump", expected]))).toBe(true);
  });
});
