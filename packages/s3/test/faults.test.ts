// Both request paths against the real Ceph RGW through a proxy that injects failures on chosen requests: the one
// retry policy (attempts, which failures retry, aborts), part growth seen on the wire, and what RGW's signature
// checks prove about signing (session tokens, the hashed payload, a wrong secret that no error repeats).
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { contentTypeFor, deleteBucket, ensureBucket, S3BlobStore, type S3BlobStoreOptions } from "../src/index.js";
import { type FaultPlan, type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { collectBody, failure, freshBucketName, inPieces, noRgw, rgwEndpoint, rgwStoreUrl, sameBytes } from "./rgw.js";

const MiB = 1024 * 1024;
const paths = [
  ["lean", {}],
  ["SDK", { leanRequests: false }],
] as const;

describe.skipIf(noRgw)("both request paths through a fault-injecting proxy in front of Ceph RGW", () => {
  const bucket = freshBucketName("faults");
  const directUrl = rgwStoreUrl(bucket, `buffer-size=${5 * MiB}`);
  let direct: S3BlobStore;
  let proxy: FaultProxy | undefined;
  const opened: S3BlobStore[] = [];

  /** A store whose requests go through a fresh proxy following `plan`; retry delays of 0 ms keep tests fast. */
  async function throughProxy(plan: FaultPlan, settings: string[], options: S3BlobStoreOptions): Promise<S3BlobStore> {
    proxy = await startFaultProxy(rgwEndpoint, plan);
    const url = `s3://${bucket}?${[
      `endpoint=${encodeURIComponent(proxy.endpoint)}`,
      `buffer-size=${5 * MiB}`,
      "retry-delay=0",
      "retry-delay-rate-limited=0",
      ...settings,
    ].join("&")}`;
    const store = S3BlobStore.fromUrl(url, options);
    opened.push(store);
    return store;
  }

  async function pendingUploads(): Promise<unknown[]> {
    const pending = [];
    for await (const upload of direct.listMultipartUploads()) pending.push(upload);
    return pending;
  }

  beforeAll(async () => {
    await ensureBucket(directUrl);
    direct = S3BlobStore.fromUrl(directUrl);
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await proxy?.close();
    proxy = undefined;
  });

  afterAll(async () => {
    await direct?.close();
    await deleteBucket(directUrl);
  });

  it.each(paths)(
    "%s path: a 500, a 503 SlowDown and a dropped connection are each retried once, on PutObject, UploadPart and the completion",
    async (name, options) => {
      const store = await throughProxy(
        (request, attempt) => {
          if (attempt > 1) return undefined;
          if (request.operation === "PutObject") return { answer: 500, code: "InternalError" };
          if (request.operation === "UploadPart" && request.partNumber === 2) return { answer: 503, code: "SlowDown" };
          if (request.operation === "UploadPart" && request.partNumber === 3) return { drop: true };
          if (request.operation === "CompleteMultipartUpload") return { answer: 503, code: "ServiceUnavailable" };
          return undefined;
        },
        [],
        options,
      );
      const small = randomBytes(1000);
      const big = randomBytes(12 * MiB + 3);
      const smallKey = `retried/${name}.narinfo`;
      const bigKey = `retried/${name}.nar`;
      expect(await store.put(smallKey, small, { contentType: contentTypeFor(smallKey) })).toMatchObject({
        multipart: false,
      });
      expect(await store.put(bigKey, inPieces(big, MiB), { contentType: contentTypeFor(bigKey) })).toMatchObject({
        multipart: true,
        size: big.length,
      });
      expect({
        put: proxy!.count("PutObject"),
        part1: proxy!.count("UploadPart", 1),
        part2: proxy!.count("UploadPart", 2),
        part3: proxy!.count("UploadPart", 3),
        complete: proxy!.count("CompleteMultipartUpload"),
      }).toEqual({ put: 2, part1: 1, part2: 2, part3: 2, complete: 2 });
      expect(sameBytes(await collectBody((await direct.get(smallKey))!.body), small)).toBe("same");
      expect(sameBytes(await collectBody((await direct.get(bigKey))!.body), big)).toBe("same");
    },
  );

  it.each(paths)(
    "%s path: a part refused on every attempt is tried retry-attempts times, then THROTTLED and the upload aborted",
    async (name, options) => {
      const store = await throughProxy(
        (request) =>
          request.operation === "UploadPart" && request.partNumber === 2
            ? { answer: 503, code: "SlowDown" }
            : undefined,
        ["retry-attempts=3"],
        options,
      );
      const key = `exhausted/${name}.nar`;
      const error = await failure(() =>
        store.put(key, inPieces(randomBytes(11 * MiB), MiB), { contentType: contentTypeFor(key) }),
      );
      expect(error.code).toBe("THROTTLED");
      expect(error.message).toBe(`put s3://${bucket}/${key} failed: still throttled after retries (SlowDown)`);
      expect(proxy!.count("UploadPart", 2)).toBe(3);
      expect(proxy!.count("AbortMultipartUpload")).toBe(1);
      expect(await pendingUploads()).toEqual([]);
      expect(await direct.exists(key)).toBe(false);
    },
  );

  it.each(paths)(
    "%s path: a wrong secret is refused after one request, with a message that names the bucket but not the secret",
    async (name, options) => {
      const secret = "wrong-secret-that-must-never-be-printed";
      const store = await throughProxy(() => undefined, [], {
        ...options,
        credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: secret },
      });
      const key = `refused/${name}.narinfo`;
      const error = await failure(() => store.put(key, Buffer.from("x"), { contentType: contentTypeFor(key) }));
      expect(error.code).toBe("INVALID_CREDENTIALS");
      expect(error.remoteCode).toBe("SignatureDoesNotMatch");
      expect(error.message).toContain(`s3://${bucket}/${key}`);
      expect(proxy!.count("PutObject")).toBe(1);
      expect(inspect(error, { depth: 10 })).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(String(error.stack)).not.toContain(secret);
    },
  );

  it.each(paths)(
    "%s path: a session token is sent and signed (RGW refuses the request when the proxy changes the token)",
    async (name, options) => {
      const credentials = {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "",
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "",
        sessionToken: "a-session-token/with+characters=",
      };
      const store = await throughProxy(
        (request) =>
          request.url.includes("tampered") ? { setHeader: "x-amz-security-token", value: "another-token" } : undefined,
        ["retry-attempts=1"],
        { ...options, credentials },
      );
      const key = `token/${name}.narinfo`;
      await store.put(key, Buffer.from("signed"), { contentType: contentTypeFor(key) });
      expect(proxy!.seen[0]!.headers["x-amz-security-token"]).toBe(credentials.sessionToken);
      expect(proxy!.seen[0]!.headers.authorization).toMatch(/SignedHeaders=[^ ,]*x-amz-security-token/);
      const error = await failure(() =>
        store.put(`token/${name}-tampered.narinfo`, Buffer.from("x"), { contentType: contentTypeFor(key) }),
      );
      expect(error.remoteCode).toBe("SignatureDoesNotMatch");
    },
  );

  it.each(paths)(
    "%s path: over http the payload's SHA-256 is signed, so a body changed on the way is refused",
    async (name, options) => {
      const store = await throughProxy(
        (request) => (request.url.includes("changed") ? { flipBodyByte: true } : undefined),
        ["retry-attempts=1"],
        options,
      );
      const key = `hashed/${name}-changed.narinfo`;
      const error = await failure(() => store.put(key, Buffer.from("payload"), { contentType: contentTypeFor(key) }));
      expect(proxy!.seen[0]!.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
      expect(error.remoteCode).toBe("XAmzContentSHA256Mismatch");
      expect(await direct.exists(key)).toBe(false);
    },
  );

  it.each(paths)(
    "%s path: parts grow along the schedule, so a stream longer than max parts x the part size completes",
    async (name, options) => {
      // At most 4 parts, 2 uniform ones, then doubling: 5 + 5 + 10 + 20 MiB; the body is longer than 4 x 5 MiB.
      const store = await throughProxy(() => undefined, [], {
        ...options,
        partSchedule: { uniformParts: 2, growthStep: 1, maxParts: 4 },
      });
      const data = randomBytes(38 * MiB + 5);
      const key = `grown/${name}.nar`;
      const result = await store.put(key, inPieces(data, MiB + 17), { contentType: contentTypeFor(key) });
      expect(result).toMatchObject({ multipart: true, size: data.length });
      const partSizes = proxy!.seen
        .filter((request) => request.operation === "UploadPart")
        .sort((a, b) => a.partNumber! - b.partNumber!)
        .map((request) => request.bodyBytes);
      expect(partSizes).toEqual([5 * MiB, 5 * MiB, 10 * MiB, 18 * MiB + 5]);
      expect(sameBytes(await collectBody((await direct.get(key))!.body), data)).toBe("same");
    },
  );
});
