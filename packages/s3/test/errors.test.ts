import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypeFor, deleteBucket, ensureBucket, S3BlobStore } from "../src/index.js";
import { failure, freshBucketName, noRgw, rgwStoreUrl } from "./rgw.js";

describe.skipIf(noRgw)("clear errors for a broken setup against Ceph RGW", () => {
  const bucket = freshBucketName("errors");

  beforeAll(async () => {
    await ensureBucket(rgwStoreUrl(bucket));
  });

  afterAll(async () => {
    await deleteBucket(rgwStoreUrl(bucket));
  });

  it("names a missing bucket", async () => {
    const missing = freshBucketName("missing");
    const store = S3BlobStore.fromUrl(rgwStoreUrl(missing));
    try {
      const put = await failure(() =>
        store.put("x.narinfo", Buffer.from("x"), { contentType: contentTypeFor("x.narinfo") }),
      );
      expect(put.code).toBe("NO_SUCH_BUCKET");
      expect(put.message).toContain(`put s3://${missing}/x.narinfo failed: bucket '${missing}' does not exist`);
      const list = await failure(async () => {
        for await (const item of store.list()) void item;
      });
      expect(list.code).toBe("NO_SUCH_BUCKET");
      const get = await failure(() => store.get("x.narinfo"));
      expect(get.code).toBe("NO_SUCH_BUCKET");
    } finally {
      store.close();
    }
  });

  it("says the credentials were refused for a wrong secret key, and writes nothing", async () => {
    const store = S3BlobStore.fromUrl(rgwStoreUrl(bucket), {
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: "wrong-secret" },
      maxAttempts: 1,
    });
    const good = S3BlobStore.fromUrl(rgwStoreUrl(bucket));
    try {
      const put = await failure(() =>
        store.put("secret.narinfo", Buffer.from("x"), { contentType: "text/x-nix-narinfo" }),
      );
      expect(put.code).toBe("INVALID_CREDENTIALS");
      expect(put.remoteCode).toBe("SignatureDoesNotMatch");
      expect(put.message).toContain(`s3://${bucket}/secret.narinfo`);
      const get = await failure(() => store.get("secret.narinfo"));
      expect(get.code).toBe("INVALID_CREDENTIALS");
      expect(await good.exists("secret.narinfo")).toBe(false);
    } finally {
      store.close();
      good.close();
    }
  });

  it("says an unknown access key was refused", async () => {
    const store = S3BlobStore.fromUrl(rgwStoreUrl(bucket), {
      credentials: { accessKeyId: "NOSUCHACCESSKEY00000", secretAccessKey: "whatever" },
      maxAttempts: 1,
    });
    try {
      const put = await failure(() =>
        store.put("key.narinfo", Buffer.from("x"), { contentType: "text/x-nix-narinfo" }),
      );
      expect(put.code).toBe("INVALID_CREDENTIALS");
      expect(put.remoteCode).toBe("InvalidAccessKeyId");
    } finally {
      store.close();
    }
  });

  it("names the endpoint when it is unreachable", async () => {
    const store = S3BlobStore.fromUrl(`s3://${bucket}?endpoint=${encodeURIComponent("http://127.0.0.1:1")}`, {
      maxAttempts: 2,
    });
    try {
      const head = await failure(() => store.exists("x.narinfo"));
      expect(head.code).toBe("ENDPOINT_UNREACHABLE");
      expect(head.message).toBe(
        `exists s3://${bucket}/x.narinfo failed: endpoint http://127.0.0.1:1 is unreachable (ECONNREFUSED)`,
      );
      const put = await failure(() => store.put("x.narinfo", Buffer.from("x"), { contentType: "text/x-nix-narinfo" }));
      expect(put.code).toBe("ENDPOINT_UNREACHABLE");
    } finally {
      store.close();
    }
  });

  it("refuses a non-s3 store URL", () => {
    expect(() => S3BlobStore.fromUrl("file:///tmp/cache")).toThrow(
      expect.objectContaining({ code: "INVALID_STORE_URL" }),
    );
  });
});
