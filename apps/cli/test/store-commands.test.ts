// The store commands run as a user would (spawned dist/main.js) against a file:// cache made in a temp dir:
// info, path-info (text, JSON, signature refusal), ls, cat, log and copy-log, and the usage errors.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNar } from "@narwhal/nar";
import { formatPublicKey, formatSecretKey, generateSecretKey, toPublicKey } from "@narwhal/signing";
import { hashBytes, makeStorePath } from "@narwhal/store-path";
import { BinaryCacheStore } from "@narwhal/store";
import { narwhal } from "./run-narwhal.js";

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe("store commands on a file:// cache", () => {
  let dir: string;
  let url: string;
  let publicKey: string;
  const path = makeStorePath("output:out", hashBytes("sha256", "narwhal cli store test"), "cli-tool-1.0");
  const drv = makeStorePath("text", hashBytes("sha256", "narwhal cli drv"), "cli-tool-1.0.drv");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "narwhal-cli-store-"));
    const secret = generateSecretKey("cli-test-1");
    await writeFile(join(dir, "secret.key"), formatSecretKey(secret));
    publicKey = formatPublicKey(toPublicKey(secret));
    url = `file://${join(dir, "cache")}`;
    const store = await BinaryCacheStore.open(
      `${url}?compression=xz&write-nar-listing=true&secret-key=${join(dir, "secret.key")}`,
      { requireSigs: false },
    );
    const contents = Buffer.from("#!/bin/sh\necho tool\n");
    const nar = await collect(
      writeNar([
        { type: "directory", segments: [] },
        { type: "directory", segments: [Buffer.from("bin")] },
        {
          type: "file",
          segments: [Buffer.from("bin"), Buffer.from("tool")],
          executable: true,
          size: contents.length,
          contents: [contents],
        },
        { type: "symlink", segments: [Buffer.from("link")], target: "bin/tool" },
      ]),
    );
    await store.addToStore({
      info: { storePath: path, narHash: hashBytes("sha256", nar), narSize: nar.length, references: [] },
      nar: (async function* () {
        yield nar;
      })(),
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("store info reports the cache's store directory and settings", async () => {
    const text = await narwhal(["store", "info", "--store", url]);
    expect(text.status).toBe(0);
    expect(text.stdout.toString()).toContain("Store directory: /nix/store");
    const json = JSON.parse(
      (await narwhal(["store", "info", "--store", `${url}?priority=7`, "--json"])).stdout.toString(),
    );
    expect(json).toMatchObject({ storeDir: "/nix/store", priority: 7, cacheInfo: { storeDir: "/nix/store" } });
  });

  it("path-info prints JSON like nix path-info with our key trusted, and refuses without it", async () => {
    const ok = await narwhal(["path-info", "--store", url, "--json", "--trusted-public-keys", publicKey, path.path]);
    expect(ok.stderr).toBe("");
    const entry = JSON.parse(ok.stdout.toString())[path.path];
    expect(entry).toMatchObject({ references: [], compression: "xz", deriver: null, ultimate: false });
    expect(entry.narHash).toMatch(/^sha256-/);
    expect(entry.url).toMatch(/^nar\/[0-9a-z]{52}\.nar\.xz$/);
    expect(entry.signatures[0]).toMatch(/^cli-test-1:/);
    const refused = await narwhal(["path-info", "--store", url, "--trusted-public-keys", "", path.path]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("no valid signature by a trusted key");
    const unsigned = await narwhal(["path-info", "--store", url, "--no-require-sigs", path.path]);
    expect(unsigned.stdout.toString()).toBe(`${path.path}\n`);
    const missing = await narwhal(["path-info", "--store", url, "--no-require-sigs", drv.path]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("is not in");
  });

  it("store ls and store cat read files of the path", async () => {
    const ls = await narwhal(["store", "ls", "--store", url, "--no-require-sigs", "-R", "-l", path.path]);
    expect(ls.stdout.toString()).toContain("-r-xr-xr-x");
    expect(ls.stdout.toString()).toContain("./link -> bin/tool");
    const cat = await narwhal(["store", "cat", "--store", url, "--no-require-sigs", `${path.path}/bin/tool`]);
    expect(cat.stdout.toString()).toBe("#!/bin/sh\necho tool\n");
    const absent = await narwhal(["store", "cat", "--store", url, "--no-require-sigs", `${path.path}/bin/none`]);
    expect(absent.status).toBe(1);
    expect(absent.stderr).toContain("does not exist");
  });

  it("store copy-log uploads a log from stdin and log prints it", async () => {
    const copied = await narwhal(["store", "copy-log", "--to", url, drv.path], "line 1\nline 2\n");
    expect(copied.stdout.toString()).toBe(`log/${drv.baseName}\n`);
    const shown = await narwhal(["log", "--store", url, drv.path]);
    expect(shown.stdout.toString()).toBe("line 1\nline 2\n");
    const none = await narwhal([
      "log",
      "--store",
      url,
      makeStorePath("text", hashBytes("sha256", "x"), "other.drv").path,
    ]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("has no build log");
  });

  it("requires --store", async () => {
    const result = await narwhal(["path-info", path.path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--store URL is required");
  });
});
