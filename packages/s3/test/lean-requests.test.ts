import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypeFor, deleteBucket, ensureBucket, S3BlobStore, type S3TransportError } from "../src/index.js";
import { collectBody, failure, freshBucketName, inPieces, noRgw, rgwStoreUrl, sameBytes } from "./rgw.js";

const MiB = 1024 * 1024;

function summary(error: S3TransportError): { code: string; remoteCode: string | undefined; message: string } {
  return { code: error.code, remoteCode: error.remoteCode, message: error.message };
}

describe.skipIf(noRgw)("lean request path against Ceph RGW, compared with the SDK path", () => {
  const bucket = freshBucketName("lean");
  const url = rgwStoreUrl(bucket, "narinfo-compression=zstd", `buffer-size=${5 * MiB}`);
  let lean: S3BlobStore;
  let sdk: S3BlobStore;

  beforeAll(async () => {
    await ensureBucket(url);
    lean = S3BlobStore.fromUrl(url);
    sdk = S3BlobStore.fromUrl(url, { leanRequests: false });
  });

  afterAll(async () => {
    lean?.close();
    sdk?.close();
    await deleteBucket(url);
  });

  const awkwardKeys = [
    "with space/a b.ls",
    "plus+sign/a+b=c.nar",
    "ünïcödé/✓ 日本語.nar",
    "reserved/(x)*!'~;,:@&$.nar",
    "query-like/a?b=c&d#e%25 f.nar",
  ];

  it("stores objects with awkward keys that the SDK reads back byte-identical, with their Content-Type", async () => {
    for (const key of awkwardKeys) {
      const data = randomBytes(300 + key.length);
      const result = await lean.put(key, data, { contentType: contentTypeFor(key) });
      expect(result, key).toMatchObject({ key, size: data.length, multipart: false });
      expect(result.etag, key).toMatch(/^"[0-9a-f]{32}"$/);
      const blob = await sdk.get(key);
      expect(blob?.contentType, key).toBe(contentTypeFor(key));
      expect(sameBytes(await collectBody(blob!.body), data), key).toBe("same");
    }
    const listed = [];
    for await (const item of sdk.list()) listed.push(item.key);
    expect(listed).toEqual(expect.arrayContaining(awkwardKeys));
  });

  it("refuses keys that break the transports' shared key rule before any request, on both paths", async () => {
    for (const store of [lean, sdk]) {
      for (const key of ["../otherbucket/nar/x", "double//slash", "/absolute", "nar/\u001b[31m"]) {
        await expect(store.get(key), key).rejects.toMatchObject({ code: "INVALID_KEY" });
        await expect(store.put(key, Buffer.from("x"), { contentType: "text/plain" }), key).rejects.toMatchObject({
          code: "INVALID_KEY",
        });
        await expect(store.exists(key), key).rejects.toMatchObject({ code: "INVALID_KEY" });
        await expect(store.delete(key), key).rejects.toMatchObject({ code: "INVALID_KEY" });
      }
    }
  });

  it("sends Content-Encoding like the SDK path does", async () => {
    const text = Buffer.from("StorePath: /nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello\n".repeat(20));
    const viaLean = await lean.put("lean.narinfo", text, { contentType: contentTypeFor("x.narinfo") });
    const viaSdk = await sdk.put("sdk.narinfo", text, { contentType: contentTypeFor("x.narinfo") });
    expect(viaLean.contentEncoding).toBe("zstd");
    expect(viaLean.size).toBe(viaSdk.size);
    expect(viaLean.etag).toBe(viaSdk.etag); // same stored bytes
    for (const key of ["lean.narinfo", "sdk.narinfo"]) {
      const blob = await sdk.get(key);
      expect(blob?.contentEncoding, key).toBe("zstd");
      expect(blob?.contentType, key).toBe("text/x-nix-narinfo");
      expect(await collectBody(blob!.body)).toEqual(text);
      const stored = await sdk.get(key, { range: { start: 0 } });
      expect((await collectBody(stored!.body)).length).toBe(viaLean.size);
    }
  });

  it("uploads streamed multipart bodies with the same bytes and part count as the SDK path", async () => {
    const data = randomBytes(11 * MiB + 777);
    const viaLean = await lean.put("nar/lean.nar", inPieces(data, 100_003), {
      contentType: contentTypeFor("nar/"),
      sizeHint: data.length,
    });
    const viaSdk = await sdk.put("nar/sdk.nar", inPieces(data, 100_003), {
      contentType: contentTypeFor("nar/"),
      sizeHint: data.length,
    });
    expect(viaLean).toMatchObject({ multipart: true, size: data.length });
    expect(viaLean.etag).toBe(viaSdk.etag);
    expect(viaLean.etag).toMatch(/-3"$/);
    const blob = await sdk.get("nar/lean.nar");
    expect(blob?.contentType).toBe("application/x-nix-nar");
    expect(sameBytes(await collectBody(blob!.body), data)).toBe("same");
  });

  it("uses one PUT for a streamed body of exactly one part, and stores an empty body", async () => {
    const data = randomBytes(5 * MiB);
    const exact = await lean.put("nar/exact.nar", inPieces(data, MiB), { contentType: contentTypeFor("nar/") });
    expect(exact).toMatchObject({ multipart: false, size: data.length });
    expect(sameBytes(await collectBody((await sdk.get("nar/exact.nar"))!.body), data)).toBe("same");
    const empty = await lean.put("empty", inPieces(Buffer.alloc(0), 1), { contentType: "text/plain" });
    expect(empty).toMatchObject({ multipart: false, size: 0 });
    expect((await sdk.get("empty"))?.size).toBe(0);
  });

  it("aborts the upload when the body fails after parts were sent, through the lean path", async () => {
    async function* failsLate(): AsyncGenerator<Uint8Array> {
      yield* inPieces(randomBytes(16 * MiB), 3 * MiB + 1);
      throw new Error("tape jammed");
    }
    const error = await failure(() => lean.put("nar/late.nar", failsLate(), { contentType: contentTypeFor("nar/") }));
    expect(error.code).toBe("BODY_FAILED");
    expect(error.message).toBe(
      `put s3://${bucket}/nar/late.nar failed: reading the body failed (tape jammed); the multipart upload was aborted`,
    );
    const pending = [];
    for await (const upload of sdk.listMultipartUploads()) pending.push(upload);
    expect(pending).toEqual([]);
    expect(await sdk.exists("nar/late.nar")).toBe(false);
  });

  it("reports a wrong secret exactly like the SDK path", async () => {
    const options = {
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: "wrong-secret" },
      maxAttempts: 1,
    };
    const badLean = S3BlobStore.fromUrl(url, options);
    const badSdk = S3BlobStore.fromUrl(url, { ...options, leanRequests: false });
    try {
      const put = (store: S3BlobStore) =>
        failure(() => store.put("secret.ls", Buffer.from("x"), { contentType: "application/json" }));
      const fromLean = await put(badLean);
      expect(summary(fromLean)).toEqual(summary(await put(badSdk)));
      expect(fromLean.code).toBe("INVALID_CREDENTIALS");
      expect(fromLean.remoteCode).toBe("SignatureDoesNotMatch");
      const stream = (store: S3BlobStore) =>
        failure(() =>
          store.put("nar/secret.nar", inPieces(randomBytes(6 * MiB), MiB), { contentType: "application/x-nix-nar" }),
        );
      expect(summary(await stream(badLean))).toEqual(summary(await stream(badSdk)));
    } finally {
      badLean.close();
      badSdk.close();
    }
  });

  it("reports a missing bucket exactly like the SDK path", async () => {
    const missingUrl = rgwStoreUrl(freshBucketName("absent"));
    const missingLean = S3BlobStore.fromUrl(missingUrl);
    const missingSdk = S3BlobStore.fromUrl(missingUrl, { leanRequests: false });
    try {
      const put = (store: S3BlobStore) =>
        failure(() => store.put("x.narinfo", Buffer.from("x"), { contentType: "text/x-nix-narinfo" }));
      const fromLean = await put(missingLean);
      expect(fromLean.code).toBe("NO_SUCH_BUCKET");
      expect(summary(fromLean)).toEqual(summary(await put(missingSdk)));
    } finally {
      missingLean.close();
      missingSdk.close();
    }
  });
});
