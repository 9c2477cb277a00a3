import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypeFor, deleteBucket, ensureBucket, S3BlobStore, setPublicReadPolicy } from "../src/index.js";
import { collectBody, freshBucketName, noRgw, rgwEndpoint, rgwStoreUrl } from "./rgw.js";

describe.skipIf(noRgw)("S3BlobStore object operations against Ceph RGW", () => {
  const bucket = freshBucketName("objects");
  const url = rgwStoreUrl(bucket);
  let store: S3BlobStore;

  beforeAll(async () => {
    expect(await ensureBucket(url)).toBe(true);
    expect(await ensureBucket(url)).toBe(false);
    store = S3BlobStore.fromUrl(url, { listPageSize: 2 });
  });

  afterAll(async () => {
    store?.close();
    await deleteBucket(url);
  });

  it("puts, reads back, reports existence and deletes an object", async () => {
    const key = "0123456789abcdfghijklmnpqrsvwxyz.narinfo";
    const text = Buffer.from("StorePath: /nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello\n");
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeUndefined();

    const result = await store.put(key, text, { contentType: contentTypeFor(key) });
    expect(result).toMatchObject({ key, size: text.length, multipart: false });
    expect(result.etag).toMatch(/^"[0-9a-f]{32}"$/);

    expect(await store.exists(key)).toBe(true);
    const blob = await store.get(key);
    expect(blob?.size).toBe(text.length);
    expect(blob?.contentType).toBe("text/x-nix-narinfo");
    expect(blob?.contentEncoding).toBeUndefined();
    expect(await collectBody(blob!.body)).toEqual(text);

    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    await store.delete(key); // deleting an absent object is fine
  });

  it("stores each kind of object with its Nix Content-Type", async () => {
    const keys = [
      "nix-cache-info",
      "nar/abc.nar.zst",
      "abc.ls",
      "debuginfo/0123456789abcdef0123456789abcdef01234567",
      "log/abc-hello.drv",
    ];
    for (const key of keys) await store.put(key, Buffer.from(key), { contentType: contentTypeFor(key) });
    for (const key of keys) {
      const blob = await store.get(key);
      expect(blob?.contentType, key).toBe(contentTypeFor(key));
      await collectBody(blob!.body);
    }
    for (const key of keys) await store.delete(key);
  });

  it("reads byte ranges, with and without an end", async () => {
    const key = "nar/range.nar";
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    await store.put(key, data, { contentType: contentTypeFor(key) });
    const middle = await store.get(key, { range: { start: 10, end: 19 } });
    expect(middle?.size).toBe(10);
    expect(await collectBody(middle!.body)).toEqual(data.subarray(10, 20));
    const tail = await store.get(key, { range: { start: 990 } });
    expect(await collectBody(tail!.body)).toEqual(data.subarray(990));
  });

  it("lists every object under a prefix across pages", async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `listing/item-${i}`);
    await Promise.all(keys.map((key) => store.put(key, Buffer.from(key), { contentType: "application/octet-stream" })));
    await store.put("other/x", Buffer.from("x"), { contentType: "application/octet-stream" });
    const listed = [];
    for await (const item of store.list("listing/")) listed.push(item);
    expect(listed.map((item) => item.key).sort()).toEqual(keys);
    expect(listed.every((item) => item.size === "listing/item-0".length && item.lastModified instanceof Date)).toBe(
      true,
    );

    const everything = [];
    for await (const item of store.list()) everything.push(item.key);
    expect(everything).toContain("other/x");
    expect(everything.length).toBeGreaterThanOrEqual(8);
  });

  it("accepts a bare host:port endpoint with scheme=http like Nix 2.32", async () => {
    const bare = new URL(process.env.S3_ENDPOINT ?? "http://unused").host;
    const old = S3BlobStore.fromUrl(`s3://${bucket}?endpoint=${bare}&scheme=http`);
    try {
      await old.put("bare-endpoint", Buffer.from("ok"), { contentType: "text/plain" });
      expect(await store.exists("bare-endpoint")).toBe(true);
      expect(old.endpoint).toBe(`http://${bare}`);
    } finally {
      old.close();
    }
  });

  it("lets anonymous HTTP clients read objects and list the bucket once the public-read policy is set", async () => {
    await store.put("nix-cache-info", Buffer.from("StoreDir: /nix/store\n"), {
      contentType: contentTypeFor("nix-cache-info"),
    });
    const objectUrl = `${rgwEndpoint}/${bucket}/nix-cache-info`;
    expect((await fetch(objectUrl)).status).toBe(403);
    await setPublicReadPolicy(url);
    const answer = await fetch(objectUrl);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/x-nix-cache-info");
    expect(await answer.text()).toBe("StoreDir: /nix/store\n");
    const listing = await fetch(`${rgwEndpoint}/${bucket}?list-type=2`);
    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain("<Key>nix-cache-info</Key>");
  });
});
