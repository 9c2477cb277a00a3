// fetch, store verify/sign/gc and copy into a local store, run as a user would (spawned dist/main.js) against
// caches real Nix wrote (file://) and narwhal wrote (RGW over S3): exit statuses, JSON reports, nothing left on failure.

import { existsSync, readdirSync, utimesSync } from "node:fs";
import { basename, join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpPath } from "@narwhal/nar";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { copyToLocalStore } from "../src/commands/copy-to-local.js";
import { narwhal } from "./run-narwhal.js";
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
import { copyCache, flipByte } from "@narwhal/cache-fixtures";

const rgwEndpoint = process.env.S3_ENDPOINT ?? "";
if (rgwEndpoint === "" && process.env.CI)
  throw new Error("S3_ENDPOINT is not set but CI is: the S3 consume tests need RGW");

function ageAll(dir: string, hours: number): void {
  const when = new Date(Date.now() - hours * 3_600_000);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), when, when);
  }
}

describe.skipIf(!hasNix)("consume commands", () => {
  let closure: NixClosure;
  let cache: string;

  beforeAll(() => {
    closure = buildClosure("cli");
    cache = nixCache(closure, "xz");
  });
  afterAll(removeTempDirs);

  it("fetch unpacks one path and prints a JSON summary", async () => {
    const out = join(tempDir("fetch"), "out");
    const result = await narwhal([
      "fetch",
      "--from",
      cache,
      closure.output,
      "--out",
      out,
      "--trusted-public-keys",
      closure.publicKey,
      "--json",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ path: closure.output, compression: "xz" });
    expect(narOf(out).equals(narOf(closure.output))).toBe(true);
  });

  it("fetch fails with the key names when the signer is not trusted, and writes nothing", async () => {
    const parent = tempDir("fetch-untrusted");
    const result = await narwhal([
      "fetch",
      "--from",
      cache,
      closure.output,
      "--out",
      join(parent, "out"),
      "--trusted-public-keys",
      closure.otherPublicKey,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/fetch-test-cli-1/);
    expect(result.stderr).toMatch(/fetch-test-cli-2/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("fetch requires --out and refuses an existing DIR", async () => {
    expect((await narwhal(["fetch", "--from", cache, closure.output])).status).toBe(2);
    const existing = tempDir("fetch-existing");
    const result = await narwhal(["fetch", "--from", cache, closure.output, "--out", existing, "--no-require-sigs"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/already exists/);
  });

  it("fetch of several paths puts each at DIR/<hash>-<name>, reports a failed one by code, exits 1", async () => {
    const out = join(tempDir("fetch-several"), "out");
    const missing = `${closure.output.slice(0, 11)}${"0".repeat(32)}-missing`;
    const result = await narwhal([
      "fetch",
      "--from",
      cache,
      closure.output,
      closure.tree,
      missing,
      "--out",
      out,
      "--jobs",
      "2",
      "--trusted-public-keys",
      closure.publicKey,
      "--json",
    ]);
    expect(result.status).toBe(1);
    const summary = JSON.parse(result.stdout.toString());
    expect(summary.fetched.map((f: { path: string }) => f.path)).toEqual([closure.output, closure.tree]);
    expect(summary.failed).toMatchObject([{ path: missing, code: "PATH_NOT_IN_CACHE" }]);
    expect(summary.narBytes).toBe(summary.fetched.reduce((n: number, f: { narSize: number }) => n + f.narSize, 0));
    for (const path of [closure.output, closure.tree])
      expect(narOf(join(out, basename(path))).equals(narOf(path))).toBe(true);
    expect(readdirSync(out).sort()).toEqual([basename(closure.output), basename(closure.tree)].sort());
  });

  it("store verify exits 0 on a healthy cache and 1 with a JSON report on a damaged one", async () => {
    const healthy = await narwhal([
      "store",
      "verify",
      "--store",
      cache,
      "--all",
      "--trusted-public-keys",
      closure.publicKey,
    ]);
    expect(healthy.stdout.toString()).toMatch(/3 narinfos checked, 3 valid, 0 problems/);
    expect(healthy.status).toBe(0);
    const damaged = copyCache(cache);
    flipByte(damaged.narFile(closure.tree));
    const result = await narwhal([
      "store",
      "verify",
      "--store",
      damaged.url,
      "--all",
      "--trusted-public-keys",
      closure.publicKey,
      "--json",
    ]);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout.toString()) as { problems: Array<{ storePath: string; code: string }> };
    expect(report.problems.map((problem) => problem.storePath)).toEqual([closure.tree]);
    expect((await narwhal(["store", "verify", "--store", cache])).status).toBe(2);
  });

  it("store sign adds a key real Nix then trusts alone", async () => {
    const signed = copyCache(cache);
    const result = await narwhal([
      "store",
      "sign",
      "--store",
      signed.url,
      "--key-file",
      closure.otherSecretKeyFile,
      "--all",
      "--trusted-public-keys",
      closure.publicKey,
    ]);
    expect(result.stdout.toString()).toMatch(/3 narinfos signed/);
    expect(result.status).toBe(0);
    const root = tempDir("sign-root");
    nix("nix", [
      "copy",
      "--from",
      signed.url,
      "--to",
      `local?root=${root}`,
      "--option",
      "trusted-public-keys",
      closure.otherPublicKey,
      "--option",
      "substituters",
      "",
      ...closure.paths,
    ]);
    expect(narOf(join(root, closure.output)).equals(narOf(closure.output))).toBe(true);
  });

  it("store gc: a dry run lists bytes and deletes nothing; then only the unkept path goes", async () => {
    const collected = copyCache(cache);
    ageAll(collected.dir, 2);
    const dry = await narwhal([
      "store",
      "gc",
      "--store",
      collected.url,
      "--keep",
      closure.output,
      "--dry-run",
      "--json",
    ]);
    expect(dry.status).toBe(0);
    const plan = JSON.parse(dry.stdout.toString()) as {
      deleted: Array<{ key: string; storePath?: string }>;
      bytes: number;
      dryRun: boolean;
    };
    expect(plan.dryRun).toBe(true);
    expect(plan.bytes).toBeGreaterThan(0);
    expect(plan.deleted.filter((item) => item.storePath !== undefined).map((item) => item.storePath)).toEqual([
      closure.tree,
    ]);
    for (const item of plan.deleted) expect(existsSync(join(collected.dir, item.key))).toBe(true);
    // --settle 0s: no writer runs beside this gc, so its wait for concurrent publishes is skipped
    const real = await narwhal(["store", "gc", "--store", collected.url, "--keep", closure.output, "--settle", "0s"]);
    expect(real.status).toBe(0);
    for (const item of plan.deleted) expect(existsSync(join(collected.dir, item.key))).toBe(false);
    const root = tempDir("gc-root");
    nix("nix", [
      "copy",
      "--from",
      collected.url,
      "--to",
      `local?root=${root}`,
      "--option",
      "trusted-public-keys",
      closure.publicKey,
      "--option",
      "substituters",
      "",
      closure.output,
    ]);
    expect(narOf(join(root, closure.dependency)).equals(narOf(closure.dependency))).toBe(true);
    expect((await narwhal(["store", "gc", "--store", collected.url])).status).toBe(2);
    expect(
      (await narwhal(["store", "gc", "--store", collected.url, "--keep", closure.output, "--grace", "soon"])).stderr,
    ).toMatch(/invalid duration "soon"/);
  });

  it("copyToLocalStore copies a closure real Nix verifies, and returns 1 when a path fails", async () => {
    const root = tempDir("local-root");
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    stderr.resume();
    const ctx = {
      args: [],
      options: {},
      stdin: process.stdin as never,
      stdout,
      stderr,
      own: <T>(resource: T): T => resource,
    };
    const status = await copyToLocalStore(ctx, {
      from: cache,
      to: `local?root=${root}`,
      paths: [closure.output, closure.tree],
      jobs: 2,
      recursive: true,
      json: true,
      trustedPublicKeys: closure.publicKey,
      requireSigs: true,
    });
    expect(status).toBe(0);
    expect((JSON.parse(Buffer.concat(chunks).toString()) as { copied: unknown[] }).copied).toHaveLength(3);
    nix("nix-store", ["--verify", "--check-contents", "--store", `local?root=${root}`]);
    expect(
      JSON.parse(nix("nix", ["path-info", "--store", `local?root=${root}`, "--json", closure.output]))[0].path,
    ).toBe(closure.output);

    const broken = copyCache(cache);
    flipByte(broken.narFile(closure.dependency));
    const root2 = tempDir("local-root-broken");
    const failed = await copyToLocalStore(ctx, {
      from: broken.url,
      to: `local?root=${root2}`,
      paths: [closure.output],
      recursive: true,
      json: true,
      trustedPublicKeys: closure.publicKey,
      requireSigs: true,
    });
    expect(failed).toBe(1);
    expect(readdirSync(join(root2, "nix/store")).filter((name) => !name.startsWith("."))).toEqual([]);
  });

  describe.skipIf(rgwEndpoint === "")("on RGW (S3)", () => {
    const bucket = `narwhal-consume-${process.pid}-${Date.now() % 100000}`;
    const s3Url = (...settings: string[]) =>
      `s3://${bucket}?${[`endpoint=${encodeURIComponent(rgwEndpoint)}`, ...settings].join("&")}`;
    const s3 = async () =>
      (await import("@narwhal/s3")) as {
        ensureBucket(url: string): Promise<unknown>;
        deleteBucket(url: string): Promise<unknown>;
      };

    beforeAll(async () => {
      await (await s3()).ensureBucket(s3Url());
      const writer = await BinaryCacheStore.open(s3Url("compression=zstd", `secret-key=${closure.secretKeyFile}`), {
        trustedPublicKeys: TrustedKeys.from(closure.publicKey),
      });
      for (const info of nixPathInfo(closure.paths))
        await writer.addToStore({ info, nar: dumpPath(info.storePath.path) });
    });
    afterAll(async () => {
      await (await s3()).deleteBucket(s3Url());
    });

    it("fetches from S3, verifies the bucket, and gc keeps the kept closure", async () => {
      const out = join(tempDir("s3-fetch"), "out");
      const fetched = await narwhal([
        "fetch",
        "--from",
        s3Url(),
        closure.output,
        "--out",
        out,
        "--trusted-public-keys",
        closure.publicKey,
      ]);
      expect(fetched.stderr).toMatch(/fetched/);
      expect(narOf(out).equals(narOf(closure.output))).toBe(true);
      const verified = await narwhal([
        "store",
        "verify",
        "--store",
        s3Url(),
        "--all",
        "--trusted-public-keys",
        closure.publicKey,
        "--json",
      ]);
      expect(verified.status).toBe(0);
      expect(JSON.parse(verified.stdout.toString())).toMatchObject({ checked: 3, valid: 3, problems: [] });
      const gc = await narwhal([
        "store",
        "gc",
        "--store",
        s3Url(),
        "--keep",
        closure.output,
        "--grace",
        "0s",
        "--settle",
        "0s",
        "--json",
      ]);
      expect(gc.status).toBe(0);
      expect(
        (JSON.parse(gc.stdout.toString()) as { deleted: Array<{ storePath?: string }> }).deleted
          .filter((item) => item.storePath)
          .map((item) => item.storePath),
      ).toEqual([closure.tree]);
      const after = await narwhal([
        "store",
        "verify",
        "--store",
        s3Url(),
        "--all",
        "--trusted-public-keys",
        closure.publicKey,
        "--json",
      ]);
      expect(JSON.parse(after.stdout.toString())).toMatchObject({ checked: 2, valid: 2, problems: [], orphanNars: [] });
    });
  });
});
