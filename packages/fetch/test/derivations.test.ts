// A `.drv` copied into a local store is registered from the text of its verified NAR, never from the filesystem: a
// real derivation gets its DerivationOutputs rows (real Nix finds its outputs), and a hostile cache's `.drv` that is a
// symlink (to a FIFO, to a file outside the store), a directory, or too large is refused by name, leaving nothing.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { copyClosureToLocalStore, fetchPath, MAX_DERIVATION_SIZE } from "../src/index.js";
import { buildClosure, hasNix, nix, removeTempDirs, tempDir, type NixClosure } from "@narwhal/cache-fixtures";
import { addHostilePath, expectNothingOf, fileNar, narOf } from "./support/hostile-cache.js";

describe.skipIf(!hasNix)("derivations copied into a local store", () => {
  let closure: NixClosure;
  let drv: string;
  let drvOut: string;
  let cacheDir: string;

  beforeAll(() => {
    closure = buildClosure("drv");
    const work = tempDir("drv-expr");
    const expression = join(work, "drv.nix");
    writeFileSync(
      expression,
      `derivation { name = "narwhal-drv-${process.pid}-${Date.now()}"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }`,
    );
    drv = nix("nix-instantiate", [expression]);
    drvOut = nix("nix-store", ["-q", "--outputs", drv]);
    cacheDir = tempDir("drv-cache");
    nix("nix", [
      "copy",
      "--derivation",
      "--to",
      `file://${cacheDir}?compression=xz&secret-key=${closure.secretKeyFile}`,
      drv,
    ]);
  });
  afterAll(removeTempDirs);

  async function openCache(): Promise<BinaryCacheStore> {
    return BinaryCacheStore.open(`file://${cacheDir}`, {
      trustedPublicKeys: TrustedKeys.from(closure.publicKey),
      createCacheInfo: false,
    });
  }

  async function copyInto(
    root: string,
    paths: string[],
    options: { maxDerivationSize?: number } = {},
  ): ReturnType<typeof copyClosureToLocalStore> {
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    try {
      return await copyClosureToLocalStore(await openCache(), registry, paths, options);
    } finally {
      registry.close();
    }
  }

  it("registers a real .drv with its outputs from the NAR's text; real Nix sees them", async () => {
    const root = tempDir("drv-root");
    const result = await copyInto(root, [drv]);
    expect(result.failed).toEqual([]);
    expect(result.copied.map((item) => item.derivation)).toEqual([readFileSync(drv, "utf8")]);
    nix("nix-store", ["--verify", "--check-contents", "--store", `local?root=${root}`]);
    expect(nix("nix-store", ["--store", `local?root=${root}`, "-q", "--outputs", drv])).toBe(drvOut);
  });

  it("fetchPath returns a .drv's text and refuses a smaller limit before writing anything", async () => {
    const out = tempDir("drv-out");
    const fetched = await fetchPath(await openCache(), drv, join(out, "x.drv"));
    expect(fetched.derivation).toBe(readFileSync(drv, "utf8"));
    const size = readFileSync(drv).length;
    await expect(
      fetchPath(await openCache(), drv, join(out, "y.drv"), { maxDerivationSize: size - 1 }),
    ).rejects.toMatchObject({
      code: "DERIVATION_TOO_LARGE",
      input: drv,
      message: expect.stringContaining(`derivations larger than ${size - 1} bytes are refused`),
    });
    const root = tempDir("drv-small-root");
    const result = await copyInto(root, [drv], { maxDerivationSize: size - 1 });
    expect(result.failed.map((failure) => (failure.error as { code?: string }).code)).toEqual(["DERIVATION_TOO_LARGE"]);
    expectNothingOf(root, drv);
  });

  async function expectRefusedDrv(nar: Buffer, holds: string | RegExp, code = "DERIVATION_NOT_A_FILE"): Promise<void> {
    const storePath = (
      await addHostilePath(cacheDir, closure.secretKeyFile, `evil-${Math.random().toString(36).slice(2, 8)}.drv`, nar)
    ).path;
    const root = tempDir("evil-root");
    const result = await copyInto(root, [storePath]);
    expect(result.copied).toEqual([]);
    expect(result.failed).toHaveLength(1);
    const error = result.failed[0]!.error as Error & { code?: string; input?: string };
    expect(error.code).toBe(code);
    expect(error.input).toBe(storePath);
    expect(error.message).toContain(storePath);
    expect(error.message).toMatch(holds);
    expectNothingOf(root, storePath);
    // a plain fetch of it is refused the same way
    const out = tempDir("evil-out");
    await expect(fetchPath(await openCache(), storePath, join(out, "x"))).rejects.toMatchObject({ code });
  }

  it("refuses a .drv whose NAR is a symlink to a FIFO (reading it would hang forever)", async () => {
    const fifo = join(tempDir("fifo"), "fifo");
    execFileSync("mkfifo", [fifo]);
    await expectRefusedDrv(
      await narOf([{ type: "symlink", segments: [], target: fifo }]),
      "so its NAR must be a single regular file, but it holds a symlink",
    );
  });

  it("refuses a .drv whose NAR is a symlink to a valid derivation outside the store", async () => {
    const outside = join(tempDir("outside"), "real.drv");
    writeFileSync(outside, readFileSync(drv));
    await expectRefusedDrv(await narOf([{ type: "symlink", segments: [], target: outside }]), /holds a symlink/);
  });

  it("refuses a .drv whose NAR is a directory", async () => {
    const text = readFileSync(drv);
    const nar = await narOf([
      { type: "directory", segments: [] },
      { type: "file", segments: [Buffer.from("x")], executable: false, size: text.length, contents: [text] },
    ]);
    await expectRefusedDrv(nar, /holds a directory/);
  });

  it("refuses a .drv larger than MAX_DERIVATION_SIZE (64 MiB) by default, from the size in its header", async () => {
    const big = Buffer.alloc(MAX_DERIVATION_SIZE + 1, 0x20);
    await expectRefusedDrv(
      await fileNar(big),
      `of ${MAX_DERIVATION_SIZE + 1} bytes; derivations larger than ${MAX_DERIVATION_SIZE} bytes are refused`,
      "DERIVATION_TOO_LARGE",
    );
  });

  it("refuses a .drv whose single file is not a derivation, leaving nothing in the store", async () => {
    const storePath = (
      await addHostilePath(cacheDir, closure.secretKeyFile, "garbage.drv", await fileNar("this is not an ATerm"))
    ).path;
    const root = tempDir("garbage-root");
    const result = await copyInto(root, [storePath]);
    expect(result.failed.map((failure) => [(failure.error as { code?: string }).code, failure.error.message])).toEqual([
      ["LOCAL_STORE_BAD_PATH", expect.stringContaining(`cannot register derivation ${storePath}: invalid derivation`)],
    ]);
    expectNothingOf(root, storePath);
  });
});
