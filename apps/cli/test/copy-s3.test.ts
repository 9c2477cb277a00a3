// `narwhal copy` into real Ceph RGW: real Nix restores every copied path byte-identical over HTTP with signatures
// required, for every compression; and a copy SIGKILLed at a random moment leaves a consistent cache that the next
// run completes, aborting the killed run's multipart uploads.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes, randomInt } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { narwhal } from "./run-narwhal.js";
import {
  buildClosure,
  copyKilledThenAgain,
  hasNixStore,
  restoreWithNix,
  rgwEndpoint,
  rgwUrl,
  s3Admin,
} from "./copy-support.js";

const COMPRESSIONS = ["xz", "zstd", "bzip2", "gzip", "br", "none"] as const;

describe.skipIf(!hasNixStore || rgwEndpoint === "")("narwhal copy into RGW", () => {
  const work = mkdtempSync(join(tmpdir(), "narwhal-copy-s3-"));
  const buckets: string[] = [];
  let roots: string[];
  let closure: string[];
  let secretKey: string;
  let publicKey: string;

  async function freshBucket(label: string, publicRead = false): Promise<string> {
    const bucket = `narwhal-copy-${label}-${randomBytes(4).toString("hex")}`;
    const admin = await s3Admin();
    await admin.ensureBucket(rgwUrl(bucket));
    if (publicRead) await admin.setPublicReadPolicy(rgwUrl(bucket));
    buckets.push(bucket);
    return bucket;
  }

  beforeAll(() => {
    ({ roots, closure } = buildClosure(`s3-${process.pid}`));
    secretKey = join(work, "secret.key");
    execFileSync("nix-store", ["--generate-binary-cache-key", "narwhal-copy-1", secretKey, join(work, "public.key")]);
    publicKey = readFileSync(join(work, "public.key"), "utf8");
  });

  afterAll(async () => {
    const admin = await s3Admin();
    for (const bucket of buckets) await admin.deleteBucket(rgwUrl(bucket));
    rmSync(work, { recursive: true, force: true });
  });

  it.each(COMPRESSIONS)(
    "real Nix restores every copied path byte-identical (compression=%s, signatures required)",
    async (compression) => {
      const bucket = await freshBucket(compression.replace(/[^a-z0-9]/g, ""), true);
      const result = await narwhal([
        "copy",
        "--to",
        rgwUrl(bucket, `compression=${compression}`, `secret-key=${secretKey}`),
        "--json",
        ...roots,
      ]);
      expect(result.stderr).not.toContain("narwhal:");
      expect(result.stderr).not.toContain("NodeVersionSupportWarning");
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout.toString())).toMatchObject({ copied: closure.length, failed: [] });
      const root = mkdtempSync(join(work, "nix-root-"));
      restoreWithNix(bucket, root, roots, publicKey);
      for (const path of closure) {
        expect(
          execFileSync("nix-store", ["--dump", join(root, path)], { maxBuffer: 1 << 30 }).equals(
            execFileSync("nix-store", ["--dump", path], { maxBuffer: 1 << 30 }),
          ),
        ).toBe(true);
      }
    },
  );

  it("after SIGKILL at a random moment the cache is consistent and the next run completes it", async () => {
    const big = buildClosure(`kill-${process.pid}-${randomInt(1e9)}`, 40 * 1024 * 1024);
    const bucket = await freshBucket("kill");
    const url = rgwUrl(bucket, "compression=none", "buffer-size=5242880");
    await copyKilledThenAgain(url, big.roots, big.closure.length);
    const admin = await s3Admin();
    const blobs = admin.S3BlobStore.fromUrl(url);
    const pending: string[] = [];
    for await (const upload of blobs.multipart.list("nar/")) pending.push(upload.key);
    blobs.close();
    expect(pending).toEqual([]);
  });
});
