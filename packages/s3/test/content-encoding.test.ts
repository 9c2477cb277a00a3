import { randomBytes } from "node:crypto";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { decodeContentEncoding } from "@narwhal/codecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectS3, contentTypeFor, deleteBucket, ensureBucket, S3BlobStore, type S3Connection } from "../src/index.js";
import { collectBody, freshBucketName, inPieces, noRgw, rgwStoreUrl, sameBytes } from "./rgw.js";

const MiB = 1024 * 1024;

describe.skipIf(noRgw)("Content-Encoding of narinfo, .ls and log objects against Ceph RGW", () => {
  const bucket = freshBucketName("encoding");
  let raw: S3Connection;

  beforeAll(async () => {
    await ensureBucket(rgwStoreUrl(bucket));
    raw = connectS3(rgwStoreUrl(bucket));
  });

  afterAll(async () => {
    raw?.client.destroy();
    await deleteBucket(rgwStoreUrl(bucket));
  });

  async function readRaw(
    key: string,
  ): Promise<{ encoding: string | undefined; type: string | undefined; bytes: Buffer }> {
    const answer = await raw.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await answer.Body!.transformToByteArray());
    return { encoding: answer.ContentEncoding, type: answer.ContentType, bytes };
  }

  for (const method of ["br", "gzip", "zstd"] as const) {
    for (const multipart of [false, true]) {
      it(`stores narinfo, .ls and log with Content-Encoding ${method} (multipart-upload=${multipart})`, async () => {
        const url = rgwStoreUrl(
          bucket,
          `narinfo-compression=${method}`,
          `ls-compression=${method}`,
          `log-compression=${method}`,
          `multipart-upload=${multipart}`,
        );
        const store = S3BlobStore.fromUrl(url);
        try {
          const prefix = `${method}-${multipart}`;
          const objects = {
            [`${prefix}.narinfo`]: Buffer.from("StorePath: /nix/store/x\nURL: nar/x.nar\n".repeat(20)),
            [`${prefix}.ls`]: Buffer.from(JSON.stringify({ version: 1, root: { type: "regular", size: 3 } })),
            [`log/${prefix}-hello.drv`]: Buffer.from("building hello\n".repeat(50)),
          };
          for (const [key, body] of Object.entries(objects)) {
            const result = await store.put(key, inPieces(body, 17), { contentType: contentTypeFor(key) });
            expect(result.contentEncoding).toBe(method);

            const stored = await readRaw(key);
            expect(stored.encoding).toBe(method);
            expect(stored.type).toBe(contentTypeFor(key));
            expect(stored.bytes.equals(body)).toBe(false);
            expect(await decodeContentEncoding(method, stored.bytes)).toEqual(body);

            const blob = await store.get(key);
            expect(blob?.contentEncoding).toBe(method);
            expect(await collectBody(blob!.body)).toEqual(body);
          }
          const nar = Buffer.from("not encoded");
          await store.put(`nar/${prefix}.nar`, nar, { contentType: contentTypeFor("nar/") });
          const storedNar = await readRaw(`nar/${prefix}.nar`);
          expect(storedNar.encoding).toBeUndefined();
          expect(storedNar.bytes).toEqual(nar);
        } finally {
          store.close();
        }
      });
    }
  }

  it("uses real multipart for an encoded body larger than one part (unlike Nix <= 2.32)", async () => {
    const store = S3BlobStore.fromUrl(
      rgwStoreUrl(
        bucket,
        "log-compression=gzip",
        "multipart-upload=true",
        `multipart-threshold=${5 * MiB}`,
        `buffer-size=${5 * MiB}`,
      ),
    );
    try {
      const log = randomBytes(6 * MiB); // incompressible: the gzip body stays above one part
      const result = await store.put("log/big-hello.drv", log, { contentType: contentTypeFor("log/") });
      expect(result.multipart).toBe(true);
      expect(result.etag).toMatch(/-2"$/);
      const stored = await readRaw("log/big-hello.drv");
      expect(stored.encoding).toBe("gzip");
      expect(sameBytes(await decodeContentEncoding("gzip", stored.bytes), log)).toBe("same");
      expect(sameBytes(await collectBody((await store.get("log/big-hello.drv"))!.body), log)).toBe("same");
    } finally {
      store.close();
    }
  });

  it("writes xz Content-Encoding only when forced", async () => {
    const url = rgwStoreUrl(bucket, "narinfo-compression=xz");
    expect(() => S3BlobStore.fromUrl(url)).toThrow(expect.objectContaining({ code: "CONTENT_ENCODING_REFUSED" }));
    expect(() => S3BlobStore.fromUrl(url)).toThrow(/Nix >= 2\.34 cannot read/);
    const forced = S3BlobStore.fromUrl(url, { force: true });
    try {
      const body = Buffer.from("StorePath: /nix/store/forced\n");
      await forced.put("forced.narinfo", body, { contentType: contentTypeFor("forced.narinfo") });
      expect((await readRaw("forced.narinfo")).encoding).toBe("xz");
      expect(await collectBody((await forced.get("forced.narinfo"))!.body)).toEqual(body);
    } finally {
      forced.close();
    }
  });
});
