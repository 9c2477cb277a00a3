// BinaryCacheStore over the real Ceph RGW (no mocks): round trip with listings and Content-Encoding, the write-order
// contract with multipart uploads, and clear errors for a missing bucket, wrong credentials and an unreachable endpoint.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3BlobStore } from "@narwhal/s3";
import { narInfoFileFor } from "@narwhal/store-path";
import { BinaryCacheStore, StoreError } from "../src/index.js";
import {
  chunksOf,
  collect,
  fakeStorePath,
  makeKey,
  narOfFiles,
  pathInfoFor,
  removeTempDirs,
  type TestKey,
} from "./support/fixtures.js";
import { createBucket, freshBucket, hasRgw, removeBucket, rgwUrl } from "./support/rgw.js";

async function keysIn(blobs: S3BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of blobs.list()) keys.push(entry.key);
  return keys.sort();
}

describe.skipIf(!hasRgw)("BinaryCacheStore on S3 (Ceph RGW)", () => {
  const bucket = freshBucket("store");
  let key: TestKey;

  beforeAll(async () => {
    await createBucket(bucket);
    key = await makeKey("s3-test-1");
  });

  afterAll(async () => {
    await removeBucket(bucket);
    await removeTempDirs();
  });

  it("adds and reads back paths with listing, logs and br Content-Encoding on narinfo/ls/log", async () => {
    const url = rgwUrl(
      bucket,
      "compression=zstd",
      "write-nar-listing=true",
      "narinfo-compression=br",
      "ls-compression=br",
      "log-compression=br",
      `secret-key=${key.secretFile}`,
    );
    const store = await BinaryCacheStore.open(url, { trustedPublicKeys: key.trusted });
    const nar = await narOfFiles({ "bin/app": "app", "lib/big": Buffer.alloc(7 * 1024 * 1024, 5) });
    const path = fakeStorePath("s3-app");
    const { narInfo } = await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar, 65536) });
    const drv = fakeStorePath("s3-app.drv");
    await store.addBuildLog(drv, "log line\n");

    const reader = await BinaryCacheStore.open(rgwUrl(bucket), {
      trustedPublicKeys: key.trusted,
      createCacheInfo: false,
    });
    expect((await reader.info()).storeDir).toBe("/nix/store");
    expect((await reader.queryPathInfo(path))?.url).toBe(narInfo.url);
    expect((await collect(reader.narFromPath(path))).equals(nar)).toBe(true);
    expect((await collect(reader.readFile(path, "bin/app"))).toString()).toBe("app");
    expect((await reader.getListing(path)).root.type).toBe("directory");
    expect((await reader.getBuildLog(drv))?.toString()).toBe("log line\n");
    const raw = await S3BlobStore.fromUrl(rgwUrl(bucket)).get(narInfoFileFor(path));
    expect(raw?.contentEncoding).toBe("br");
  });

  it("leaves no narinfo, no NAR and no pending multipart upload when the NAR source throws midway", async () => {
    const url = rgwUrl(bucket, "compression=none", "multipart-upload=true", `secret-key=${key.secretFile}`);
    const store = await BinaryCacheStore.open(url);
    const blobs = S3BlobStore.fromUrl(url);
    const before = await keysIn(blobs);
    const nar = await narOfFiles({ big: Buffer.alloc(12 * 1024 * 1024, 1) });
    const path = fakeStorePath("s3-broken");
    async function* breaking(): AsyncGenerator<Buffer> {
      yield* chunksOf(nar.subarray(0, 11 * 1024 * 1024), 1 << 20);
      throw new Error("source failed after 11 MiB");
    }
    await expect(store.addToStore({ info: pathInfoFor(path, nar), nar: breaking() })).rejects.toThrow(
      "source failed after 11 MiB",
    );
    expect(await keysIn(blobs)).toEqual(before);
    const pending: string[] = [];
    for await (const upload of blobs.multipart.list()) pending.push(upload.key);
    expect(pending).toEqual([]);
  });

  it("refuses a NAR whose hash does not match the claim, leaving nothing behind", async () => {
    const store = await BinaryCacheStore.open(rgwUrl(bucket, "compression=xz", "multipart-upload=true"));
    const blobs = S3BlobStore.fromUrl(rgwUrl(bucket));
    const before = await keysIn(blobs);
    const nar = await narOfFiles({ f: "real" });
    const claimed = await narOfFiles({ f: "fake" });
    const error = await store
      .addToStore({ info: pathInfoFor(fakeStorePath("s3-liar"), claimed), nar: chunksOf(nar) })
      .catch((caught: unknown) => caught);
    expect((error as StoreError).code).toBe("NAR_HASH_MISMATCH");
    expect(await keysIn(blobs)).toEqual(before);
  });

  it("refuses a narinfo whose URL leaves the bucket (../otherbucket/...) before any request for it", async () => {
    const store = await BinaryCacheStore.open(rgwUrl(bucket, "compression=zstd"), { requireSigs: false });
    const nar = await narOfFiles({ x: "escape" });
    const path = fakeStorePath("s3-escape");
    const { narInfo } = await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    const raw = S3BlobStore.fromUrl(rgwUrl(bucket));
    const text = (await collect((await raw.get(narInfoFileFor(path)))!.body))
      .toString()
      .replace(`URL: ${narInfo.url}`, "URL: ../otherbucket/nar/x.nar.zst");
    await raw.put(narInfoFileFor(path), Buffer.from(text), { contentType: "text/x-nix-narinfo" });
    const reader = await BinaryCacheStore.open(rgwUrl(bucket), { requireSigs: false, createCacheInfo: false });
    const error = await collect(reader.narFromPath(path)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("INVALID_KEY");
    expect((error as StoreError).message).toContain("../otherbucket/nar/x.nar.zst");
    await Promise.all([raw.close(), reader.close(), store.close()]);
  });

  it("names the NAR object when a narinfo points to a missing NAR", async () => {
    const store = await BinaryCacheStore.open(rgwUrl(bucket, "compression=zstd"), { requireSigs: false });
    const nar = await narOfFiles({ gone: "soon" });
    const path = fakeStorePath("s3-gone");
    const { narInfo } = await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    await store.deleteObject(narInfo.url);
    const error = await collect(store.narFromPath(path)).catch((caught: unknown) => caught);
    expect((error as StoreError).code).toBe("NAR_MISSING");
    expect((error as StoreError).message).toContain(narInfo.url);
    expect((error as StoreError).message).toContain(`s3://${bucket}`);
  });

  it("fails clearly on a missing bucket and creates nothing", async () => {
    const missing = freshBucket("missing");
    const error = await BinaryCacheStore.open(rgwUrl(missing)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(missing);
    expect((error as StoreError).message).toMatch(/does not exist|NoSuchBucket/);
    expect((error as StoreError).key).toBe("nix-cache-info");
  });

  it("fails clearly with wrong credentials and writes nothing", async () => {
    const error = await BinaryCacheStore.open(rgwUrl(bucket), {
      s3: { credentials: { accessKeyId: "WRONGKEY", secretAccessKey: "wrong-secret" }, maxAttempts: 1 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/credentials were refused|InvalidAccessKeyId|SignatureDoesNotMatch/);
    expect((error as StoreError).message).toContain("nix-cache-info");
  });

  it("fails clearly when the endpoint is unreachable", async () => {
    const url = `s3://${bucket}?endpoint=${encodeURIComponent("http://127.0.0.1:9")}`;
    const error = await BinaryCacheStore.open(url, { s3: { maxAttempts: 1 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/unreachable/);
    expect((error as StoreError).message).toContain(bucket);
  });
});
