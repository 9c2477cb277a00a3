// The read path proves every content address before its stream completes: recursive, flat and git (a tree hashed
// by real `git write-tree`), for an unsigned path trusted by its CA alone and for a signed one.

import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpPath } from "@narwhal/nar";
import { Hash, hashBytes, makeContentAddressedPath, type ContentAddress } from "@narwhal/store-path";
import { BinaryCacheStore, StoreError } from "../src/index.js";
import { collect, removeTempDirs, tempDir } from "./support/fixtures.js";

afterAll(removeTempDirs);

async function gitTree(files: Record<string, string>): Promise<{ dir: string; sha1: Hash }> {
  const dir = await tempDir("git-tree");
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const gitDir = await tempDir("git-dir"); // outside the tree, so the NAR holds only the files
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: dir } })
      .toString()
      .trim();
  git("init", "-q");
  git("add", "-A");
  return { dir, sha1: new Hash("sha1", Buffer.from(git("write-tree"), "hex")) };
}

async function unsignedCaCache(
  ca: ContentAddress,
  nar: AsyncIterable<Uint8Array>,
  narHash: Hash,
  narSize: number,
  name: string,
) {
  const dir = await tempDir("ca-cache");
  const storePath = makeContentAddressedPath(ca, {
    name,
    references: [],
    hasSelfReference: false,
    storeDir: "/nix/store",
  });
  const writer = await BinaryCacheStore.open(`file://${dir}?compression=zstd`, { requireSigs: false });
  await writer.addToStore({ info: { storePath, narHash, narSize, references: [], ca }, nar });
  await writer.close();
  return { reader: await BinaryCacheStore.open(`file://${dir}`, { createCacheInfo: false }), storePath };
}

async function narOf(dir: string): Promise<{ bytes: Buffer; hash: Hash }> {
  const bytes = await collect(dumpPath(dir));
  return { bytes, hash: hashBytes("sha256", bytes) };
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

describe("content addresses are proven by the read path", () => {
  it("serves an unsigned git-CA path whose NAR is the git tree it claims", async () => {
    const { dir, sha1 } = await gitTree({ "bin/tool": "#!/bin/sh\necho tool\n", README: "git hashed\n" });
    const nar = await narOf(dir);
    const { reader, storePath } = await unsignedCaCache(
      { method: "git", hash: sha1 },
      once(nar.bytes),
      nar.hash,
      nar.bytes.length,
      "git-honest",
    );
    expect(await reader.checkTrust((await reader.queryPathInfo(storePath))!)).toBe("content-address");
    expect((await collect(reader.narFromPath(storePath))).equals(nar.bytes)).toBe(true);
    await reader.close();
  });

  it("refuses an unsigned git-CA path whose NAR is another tree, before the stream completes", async () => {
    const claimed = await gitTree({ README: "the promised tree\n" });
    const served = await gitTree({ README: "another tree\n" });
    const nar = await narOf(served.dir);
    const { reader, storePath } = await unsignedCaCache(
      { method: "git", hash: claimed.sha1 },
      once(nar.bytes),
      nar.hash,
      nar.bytes.length,
      "git-liar",
    );
    const error = await collect(reader.narFromPath(storePath)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("CONTENT_ADDRESS_MISMATCH");
    expect((error as StoreError).message).toContain("fixed:git:sha1:");
    await reader.close();
  });

  it("refuses a flat CA whose file hashes to something else", async () => {
    const dir = await tempDir("flat");
    await writeFile(join(dir, "file"), "served bytes\n");
    const nar = await narOf(join(dir, "file"));
    const ca: ContentAddress = { method: "flat", hash: hashBytes("sha256", "claimed bytes\n") };
    const { reader, storePath } = await unsignedCaCache(ca, once(nar.bytes), nar.hash, nar.bytes.length, "flat-liar");
    await expect(collect(reader.narFromPath(storePath))).rejects.toMatchObject({ code: "CONTENT_ADDRESS_MISMATCH" });
    await reader.close();
  });
});

describe("hash algorithms of current Nix on the read path", () => {
  it("proves a recursive content address given in BLAKE3 (fixed:r:blake3:…), and refuses a NAR that does not match", async () => {
    const tree = await tempDir("blake3-tree");
    await writeFile(join(tree, "file"), "hashed with blake3\n");
    const nar = await narOf(tree);
    const ca: ContentAddress = { method: "recursive", hash: hashBytes("blake3", nar.bytes) };
    const honest = await unsignedCaCache(ca, once(nar.bytes), nar.hash, nar.bytes.length, "blake3-honest");
    expect(honest.reader.checkTrust((await honest.reader.queryPathInfo(honest.storePath))!)).toBe("content-address");
    expect((await collect(honest.reader.narFromPath(honest.storePath))).equals(nar.bytes)).toBe(true);
    await honest.reader.close();
    const other = await tempDir("blake3-other");
    await writeFile(join(other, "file"), "something else\n");
    const served = await narOf(other);
    const liar = await unsignedCaCache(ca, once(served.bytes), served.hash, served.bytes.length, "blake3-honest");
    await expect(collect(liar.reader.narFromPath(liar.storePath))).rejects.toMatchObject({
      code: "CONTENT_ADDRESS_MISMATCH",
    });
    await liar.reader.close();
  });
});
