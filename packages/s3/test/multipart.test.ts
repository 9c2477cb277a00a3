import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypeFor, deleteBucket, ensureBucket, S3BlobStore, S3TransportError } from "../src/index.js";
import { LeanS3Requests } from "../src/lean-s3-requests.js";
import { type ObjectWrites, SdkObjectWrites } from "../src/object-writes.js";
import { PartBufferPool } from "../src/part-assembler.js";
import { uploadInParts } from "../src/parts-upload.js";
import { collectBody, freshBucketName, inPieces, noRgw, rgwStoreUrl, sameBytes } from "./rgw.js";

const MiB = 1024 * 1024;

describe.skipIf(noRgw)("multipart uploads against Ceph RGW", () => {
  const bucket = freshBucketName("multipart");
  const url = rgwStoreUrl(bucket, `buffer-size=${5 * MiB}`);
  let store: S3BlobStore;
  const warnings: string[] = [];

  beforeAll(async () => {
    await ensureBucket(url);
    store = S3BlobStore.fromUrl(url, { onWarning: (message) => warnings.push(message), queueSize: 3 });
  });

  afterAll(async () => {
    store?.close();
    await deleteBucket(url);
  });

  it("streams a ~12 MiB body in 5 MiB parts and stores exactly its bytes", async () => {
    const data = randomBytes(12 * MiB + 12345);
    const key = "nar/streamed.nar";
    const result = await store.put(key, inPieces(data, 64 * 1024 + 3), {
      contentType: contentTypeFor(key),
      sizeHint: data.length,
    });
    expect(result.multipart).toBe(true);
    expect(result.size).toBe(data.length);
    expect(result.etag).toMatch(/-3"$/); // three parts: 5 MiB + 5 MiB + rest

    const blob = await store.get(key);
    expect(blob?.size).toBe(data.length);
    expect(blob?.contentType).toBe("application/x-nix-nar");
    const stored = await collectBody(blob!.body);
    expect(sameBytes(stored, data)).toBe("same");
    expect(createHash("sha256").update(stored).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
  });

  it("uses one PUT for a small streamed body", async () => {
    const result = await store.put("small-streamed", inPieces(Buffer.from("hello world"), 4), {
      contentType: "text/plain",
    });
    expect(result).toMatchObject({ multipart: false, size: 11 });
    expect((await collectBody((await store.get("small-streamed"))!.body)).toString()).toBe("hello world");
  });

  it("raises the part size with a warning when sizeHint would need more than the 9,000 planned parts", async () => {
    const hint = 100 * 1024 * MiB;
    const result = await store.put("nar/hinted.nar", inPieces(Buffer.from("tiny"), 2), {
      contentType: contentTypeFor("nar/"),
      sizeHint: hint,
    });
    expect(result.size).toBe(4);
    expect(warnings).toContainEqual(expect.stringContaining(`using parts of ${Math.ceil(hint / 9000)} bytes`));
    expect(warnings.some((warning) => warning.includes(`s3://${bucket}/nar/hinted.nar`))).toBe(true);
  });

  it("grows parts along the schedule so a body longer than planned still completes, byte-identical", async () => {
    // 2 uniform parts, then doubling every part: 5 + 5 + 10 + 20 MiB = 40 MiB in at most 4 parts.
    const grows = S3BlobStore.fromUrl(url, { partSchedule: { uniformParts: 2, growthStep: 1, maxParts: 4 } });
    try {
      const data = randomBytes(38 * MiB + 5);
      const key = "nar/grown.nar";
      const result = await grows.put(key, inPieces(data, MiB + 17), { contentType: contentTypeFor(key) });
      expect(result).toMatchObject({ multipart: true, size: data.length });
      expect(result.etag).toMatch(/-4"$/);
      expect(sameBytes(await collectBody((await grows.get(key))!.body), data)).toBe("same");
    } finally {
      grows.close();
    }
  });

  it.each([
    ["lean", true],
    ["SDK", false],
  ] as const)(
    "%s path: refuses a body longer than every part of the schedule can carry, and aborts its upload",
    async (name, leanRequests) => {
      const grows = S3BlobStore.fromUrl(url, {
        leanRequests,
        partSchedule: { uniformParts: 2, growthStep: 1, maxParts: 4 },
      });
      try {
        const key = `nar/too-long-${name}.nar`;
        const error = await grows
          .put(key, inPieces(randomBytes(40 * MiB + 1), MiB), { contentType: contentTypeFor(key) })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(S3TransportError);
        expect((error as S3TransportError).code).toBe("OBJECT_TOO_LARGE");
        expect((error as Error).message).toContain(
          `s3://${bucket}/${key} failed: the body is longer than the ${40 * MiB} bytes that 4 parts starting at ${5 * MiB} bytes can carry`,
        );
        expect((error as Error).message).toContain("the multipart upload was aborted");
        const pending = [];
        for await (const upload of grows.listMultipartUploads()) pending.push(upload);
        expect(pending).toEqual([]);
        expect(await grows.exists(key)).toBe(false);
      } finally {
        grows.close();
      }
    },
  );

  it("gives every part buffer back to the pool, a single PUT's too, so later uploads reuse the same buffers", async () => {
    const { connectS3 } = await import("../src/index.js");
    const raw = connectS3(url);
    const lean = new LeanS3Requests({
      client: raw.client,
      bucket,
      retryStrategy: raw.retryStrategy,
      timeouts: { connectTimeoutMs: raw.connectTimeoutMs, requestTimeoutMs: raw.requestTimeoutMs },
      maxSockets: 8,
    });
    const seen = new Set<Buffer>();
    class WatchedPool extends PartBufferPool {
      override take(size: number): Buffer {
        const buffer = super.take(size);
        seen.add(buffer);
        return buffer;
      }
    }
    const pool = new WatchedPool(4);
    const upload = (key: string, data: Buffer) =>
      uploadInParts({
        client: raw.client,
        writes: lean,
        bucket,
        key,
        body: inPieces(data, 100_000),
        contentType: "application/x-nix-nar",
        partSize: 5 * MiB,
        queueSize: 2,
        endpoint: raw.endpoint,
        pool,
      });
    try {
      for (const index of [1, 2, 3])
        expect(await upload(`nar/small-${index}.nar`, randomBytes(300_000))).toMatchObject({ multipart: false });
      expect(seen.size).toBe(1);
      expect(await upload("nar/parts.nar", randomBytes(12 * MiB))).toMatchObject({ multipart: true });
      expect(seen.size).toBeLessThanOrEqual(3); // queueSize 2 in flight + the part being filled
    } finally {
      lean.close();
      raw.client.destroy();
    }
  });

  it.each([
    ["lean", true],
    ["SDK", false],
  ] as const)(
    "%s path: sends at most queueSize parts at once and holds at most queueSize + 1 part buffers",
    async (_name, lean) => {
      const { connectS3 } = await import("../src/index.js");
      const raw = connectS3(url);
      const inner: ObjectWrites = lean
        ? new LeanS3Requests({
            client: raw.client,
            bucket,
            retryStrategy: raw.retryStrategy,
            timeouts: { connectTimeoutMs: raw.connectTimeoutMs, requestTimeoutMs: raw.requestTimeoutMs },
            maxSockets: 8,
          })
        : new SdkObjectWrites(raw.client, bucket);
      let sending = 0;
      let mostSending = 0;
      const counted: ObjectWrites = {
        putObject: (key, body, headers) => inner.putObject(key, body, headers),
        uploadPart: async (key, uploadId, partNumber, body) => {
          sending += 1;
          mostSending = Math.max(mostSending, sending);
          try {
            return await inner.uploadPart(key, uploadId, partNumber, body);
          } finally {
            sending -= 1;
          }
        },
        close: () => inner.close(),
      };
      let held = 0;
      let mostHeld = 0;
      class CountingPool extends PartBufferPool {
        override take(size: number): Buffer {
          held += 1;
          mostHeld = Math.max(mostHeld, held);
          return super.take(size);
        }
        override release(buffer: Buffer | undefined): void {
          if (buffer !== undefined) held -= 1;
          super.release(buffer);
        }
      }
      const queueSize = 3;
      const data = randomBytes(40 * MiB + 1);
      try {
        const result = await uploadInParts({
          client: raw.client,
          writes: counted,
          bucket,
          key: `nar/bounded-${_name}.nar`,
          body: inPieces(data, 256 * 1024),
          contentType: "application/x-nix-nar",
          partSize: 5 * MiB,
          queueSize,
          endpoint: raw.endpoint,
          pool: new CountingPool(queueSize + 1),
        });
        expect(result).toMatchObject({ multipart: true, size: data.length });
        expect(result.etag).toMatch(/-9"$/);
        expect(mostSending).toBeLessThanOrEqual(queueSize);
        expect(mostSending).toBeGreaterThan(1);
        expect(mostHeld).toBeLessThanOrEqual(queueSize + 1);
        expect(held).toBe(0);
        expect(sameBytes(await collectBody((await store.get(`nar/bounded-${_name}.nar`))!.body), data)).toBe("same");
      } finally {
        inner.close();
        raw.client.destroy();
      }
    },
  );

  it("aborts the multipart upload when the body throws midway, leaving no upload and no object", async () => {
    const key = "nar/broken.nar";
    async function* breaksAfterTwelveMiB(): AsyncGenerator<Uint8Array> {
      yield* inPieces(randomBytes(12 * MiB), MiB);
      throw new Error("disk went away");
    }
    let caught: unknown;
    try {
      await store.put(key, breaksAfterTwelveMiB(), { contentType: contentTypeFor(key) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(S3TransportError);
    expect((caught as S3TransportError).code).toBe("BODY_FAILED");
    expect((caught as Error).message).toContain(`s3://${bucket}/${key}`);
    expect((caught as Error).message).toContain("disk went away");

    const pending = [];
    for await (const upload of store.listMultipartUploads()) pending.push(upload);
    expect(pending).toEqual([]);
    expect(await store.exists(key)).toBe(false);
  });

  it("lists and aborts a pending multipart upload left by someone else", async () => {
    const { CreateMultipartUploadCommand } = await import("@aws-sdk/client-s3");
    const { connectS3 } = await import("../src/index.js");
    const raw = connectS3(url);
    try {
      const created = await raw.client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: "nar/orphan.nar" }),
      );
      const pending = [];
      for await (const upload of store.listMultipartUploads("nar/")) pending.push(upload);
      expect(pending).toEqual([expect.objectContaining({ key: "nar/orphan.nar", uploadId: created.UploadId })]);
      await store.abortMultipartUpload("nar/orphan.nar", created.UploadId!);
      const after = [];
      for await (const upload of store.listMultipartUploads()) after.push(upload);
      expect(after).toEqual([]);
    } finally {
      raw.client.destroy();
    }
  });
});
