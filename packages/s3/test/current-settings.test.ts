// Nix 2.33-2.35 S3 settings against the real Ceph RGW: storage-class on PutObject and CreateMultipartUpload (lean
// and SDK paths), multipart-threshold (one PUT at or below it, multipart above), versionId reads of older versions.

import { randomBytes } from "node:crypto";
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectS3, deleteBucket, ensureBucket, getS3Object, S3BlobStore, type S3Connection } from "../src/index.js";
import { collectBody, failure, freshBucketName, inPieces, noRgw, rgwEndpoint, rgwStoreUrl } from "./rgw.js";

const MiB = 1024 * 1024;

describe.skipIf(noRgw)("storage-class, multipart-threshold and versionId against Ceph RGW", () => {
  const bucket = freshBucketName("current");
  let raw: S3Connection;

  beforeAll(async () => {
    await ensureBucket(rgwStoreUrl(bucket));
    raw = connectS3(rgwStoreUrl(bucket));
  });

  afterAll(async () => {
    raw?.client.destroy();
    await deleteBucket(rgwStoreUrl(bucket));
  });

  const paths = [
    { name: "lean", options: {} },
    { name: "SDK", options: { leanRequests: false } },
  ] as const;

  describe.each(paths)("storage-class ($name path)", ({ name, options }) => {
    it("sends x-amz-storage-class with a single PutObject and with CreateMultipartUpload", async () => {
      const store = S3BlobStore.fromUrl(
        rgwStoreUrl(bucket, "storage-class=STANDARD", "multipart-upload=true", `multipart-threshold=${5 * MiB}`),
        options,
      );
      try {
        const small = await store.put(`sc/${name}/small`, Buffer.from("small"), { contentType: "text/plain" });
        expect(small).toMatchObject({ multipart: false, storageClass: "STANDARD" });
        const big = await store.put(`sc/${name}/big`, randomBytes(6 * MiB), { contentType: "application/x-nix-nar" });
        expect(big).toMatchObject({ multipart: true, storageClass: "STANDARD" });
        // RGW's HeadObject names the class of single-PUT objects only; ListObjectsV2 names it for both.
        expect(
          (await raw.client.send(new HeadObjectCommand({ Bucket: bucket, Key: `sc/${name}/small` }))).StorageClass,
        ).toBe("STANDARD");
        const listed = await raw.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `sc/${name}/` }));
        expect(listed.Contents?.map((item) => item.StorageClass)).toEqual(["STANDARD", "STANDARD"]);
      } finally {
        await store.close();
      }
    });

    it("a class the server lacks is refused by it, on PutObject and on CreateMultipartUpload: the header is sent", async () => {
      // This RGW has only the STANDARD class in its placement; a request naming GLACIER is answered InvalidArgument.
      const store = S3BlobStore.fromUrl(
        rgwStoreUrl(bucket, "storage-class=GLACIER", "multipart-upload=true", `multipart-threshold=${5 * MiB}`),
        options,
      );
      try {
        const single = await failure(() =>
          store.put(`sc/${name}/glacier-small`, Buffer.from("x"), { contentType: "text/plain" }),
        );
        expect(single.remoteCode).toBe("InvalidArgument");
        const multi = await failure(() =>
          store.put(`sc/${name}/glacier-big`, inPieces(randomBytes(6 * MiB), 1 << 20), { contentType: "text/plain" }),
        );
        expect(multi.remoteCode).toBe("InvalidArgument");
        const listed = await raw.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: `sc/${name}/glacier` }),
        );
        expect(listed.Contents ?? []).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });

  describe.each(paths)("multipart-threshold ($name path)", ({ name, options }) => {
    const threshold = 6 * MiB;
    const url = rgwStoreUrl(
      bucket,
      "multipart-upload=true",
      `multipart-threshold=${threshold}`,
      `multipart-chunk-size=${5 * MiB}`,
    );

    it("stores a body at the threshold as one PUT (ETag without -N) and one byte above it as multipart (-2)", async () => {
      const store = S3BlobStore.fromUrl(url, options);
      try {
        const at = await store.put(`mt/${name}/at`, randomBytes(threshold), { contentType: "text/plain" });
        expect(at.multipart).toBe(false);
        expect(at.etag).toMatch(/^"[0-9a-f]{32}"$/);
        const above = await store.put(`mt/${name}/above`, randomBytes(threshold + 1), { contentType: "text/plain" });
        expect(above.multipart).toBe(true);
        expect(above.etag).toMatch(/-2"$/);
        expect(
          (await raw.client.send(new HeadObjectCommand({ Bucket: bucket, Key: `mt/${name}/at` }))).ETag,
        ).not.toMatch(/-\d+"$/);
      } finally {
        await store.close();
      }
    });

    it("reads a streamed body ahead at most one part: one PUT when it ends there, multipart past it even below the threshold", async () => {
      const store = S3BlobStore.fromUrl(url, options);
      const part = 5 * MiB;
      try {
        const data = randomBytes(part - 100);
        const within = await store.put(`mt/${name}/stream-within`, inPieces(data, 64 * 1024), {
          contentType: "text/plain",
        });
        expect(within).toMatchObject({ multipart: false, size: data.length });
        expect((await collectBody((await store.get(`mt/${name}/stream-within`))!.body)).equals(data)).toBe(true);
        const longer = randomBytes(part + 64 * 1024); // below the 6 MiB threshold: Nix would PUT it whole from a temp file
        expect(longer.length).toBeLessThan(threshold);
        const past = await store.put(`mt/${name}/stream-past`, inPieces(longer, 64 * 1024), {
          contentType: "text/plain",
        });
        expect(past).toMatchObject({ multipart: true, size: longer.length });
        expect(past.etag).toMatch(/-2"$/);
        expect((await collectBody((await store.get(`mt/${name}/stream-past`))!.body)).equals(longer)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("without multipart-upload an in-memory body above one part is still one PUT, as in Nix", async () => {
      const store = S3BlobStore.fromUrl(rgwStoreUrl(bucket, `multipart-threshold=${5 * MiB}`), options);
      try {
        const result = await store.put(`mt/${name}/off`, randomBytes(6 * MiB), { contentType: "text/plain" });
        expect(result.multipart).toBe(false);
        expect(result.etag).toMatch(/^"[0-9a-f]{32}"$/);
      } finally {
        await store.close();
      }
    });
  });

  describe("versionId", () => {
    const versioned = freshBucketName("versions");

    beforeAll(async () => {
      await ensureBucket(rgwStoreUrl(versioned));
      await raw.client.send(
        new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }),
      );
    });

    afterAll(async () => {
      await raw.client.send(
        new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Suspended" } }),
      );
      await deleteBucket(rgwStoreUrl(versioned)).catch(() => undefined);
    });

    it("reads the older nix-cache-info through get/head with versionId and through an s3://BUCKET/KEY?versionId= URL", async () => {
      const first = await raw.client.send(
        new PutObjectCommand({
          Bucket: versioned,
          Key: "nix-cache-info",
          Body: "StoreDir: /nix/store\nPriority: 40\n",
        }),
      );
      await raw.client.send(
        new PutObjectCommand({
          Bucket: versioned,
          Key: "nix-cache-info",
          Body: "StoreDir: /nix/store\nPriority: 50\nWantMassQuery: 1\n",
        }),
      );
      expect(first.VersionId).toBeTruthy();
      const store = S3BlobStore.fromUrl(rgwStoreUrl(versioned));
      try {
        expect((await collectBody((await store.get("nix-cache-info"))!.body)).toString()).toContain("Priority: 50");
        const old = await store.get("nix-cache-info", { versionId: first.VersionId! });
        expect((await collectBody(old!.body)).toString()).toBe("StoreDir: /nix/store\nPriority: 40\n");
        expect((await store.head("nix-cache-info", { versionId: first.VersionId! }))?.size).toBe(34);
      } finally {
        await store.close();
      }
      const objectUrl = `s3://${versioned}/nix-cache-info?endpoint=${encodeURIComponent(rgwEndpoint)}&versionId=${encodeURIComponent(first.VersionId!)}`;
      const blob = await getS3Object(objectUrl);
      expect((await collectBody(blob!.body)).toString()).toBe("StoreDir: /nix/store\nPriority: 40\n");
      const current = await getS3Object(`s3://${versioned}/nix-cache-info?endpoint=${encodeURIComponent(rgwEndpoint)}`);
      expect((await collectBody(current!.body)).toString()).toContain("Priority: 50");
    });

    it("an unknown versionId is an error naming the key and version, not a silent read of the current object", async () => {
      const store = S3BlobStore.fromUrl(rgwStoreUrl(versioned));
      try {
        const error = await store.get("nix-cache-info", { versionId: "no-such-version" }).then(
          (blob) => ({ blob }),
          (caught: unknown) => ({ caught }),
        );
        if ("blob" in error) expect(error.blob).toBeUndefined();
        else expect(String((error.caught as Error).message)).toContain("nix-cache-info?versionId=no-such-version");
      } finally {
        await store.close();
      }
    });
  });
});
