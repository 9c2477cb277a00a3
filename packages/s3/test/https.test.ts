// The request paths over real TLS: RGW behind a TLS terminator with a self-signed certificate (the bytes pass
// through unchanged, so signatures are checked by RGW itself). Over https the lean path signs PutObject and
// UploadPart with UNSIGNED-PAYLOAD, as AWS S3 users get it; the SDK path does the rest (HEAD, GET, multipart
// create/complete). The client runs in a child process so NODE_EXTRA_CA_CERTS can make it trust the certificate.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshBucketName, noRgw, rgwEndpoint } from "./rgw.js";

const MiB = 1024 * 1024;

/** What the child does: a small PUT and a streamed multipart PUT through the lean path, read back through the SDK. */
const CLIENT = `
import { createHash, randomBytes } from "node:crypto";
import { ensureBucket, deleteBucket, S3BlobStore } from "@narwhal/s3";
const url = process.env.TEST_STORE_URL;
const digest = (bytes) => createHash("sha256").update(bytes).digest("hex");
async function* pieces(data) { for (let at = 0; at < data.length; at += 1 << 20) yield data.subarray(at, at + (1 << 20)); }
async function read(store, key) { const parts = []; for await (const part of (await store.get(key)).body) parts.push(part); return Buffer.concat(parts); }
await ensureBucket(url);
const lean = S3BlobStore.fromUrl(url);
const sdk = S3BlobStore.fromUrl(url, { leanRequests: false });
const small = randomBytes(3000);
const big = randomBytes(${11 * MiB});
const smallPut = await lean.put("nar/small.nar", small, { contentType: "application/x-nix-nar" });
const bigPut = await lean.put("nar/big.nar", pieces(big), { contentType: "application/x-nix-nar" });
const result = {
  small: digest(small) === digest(await read(sdk, "nar/small.nar")),
  big: digest(big) === digest(await read(sdk, "nar/big.nar")),
  multipart: bigPut.multipart,
  smallMultipart: smallPut.multipart,
};
lean.close();
sdk.close();
await deleteBucket(url);
console.log(JSON.stringify(result));
`;

describe.skipIf(noRgw)("S3 over https (RGW behind TLS)", () => {
  let dir: string;
  let proxy: Server;
  let port: number;
  let bytesUp = 0;
  /** Request heads the client sent, read off the decrypted stream. */
  const heads: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "narwhal-s3-tls-"));
    const made = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { encoding: "utf8" },
    );
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
    const upstream = new URL(rgwEndpoint);
    proxy = createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (client) => {
        const server = connect(Number(upstream.port || 80), upstream.hostname);
        let sent = "";
        client.on("data", (chunk: Buffer) => {
          bytesUp += chunk.length;
          sent += chunk.toString("latin1");
        });
        client.on("end", () =>
          heads.push(
            ...(sent.match(/(?:GET|HEAD|PUT|POST|DELETE) \/[^\r\n]* HTTP\/1\.1\r\n(?:[^\r\n]+\r\n)*\r\n/g) ?? []),
          ),
        );
        client.pipe(server).pipe(client);
        const close = () => (client.destroy(), server.destroy());
        client.on("error", close);
        server.on("error", close);
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    port = (proxy.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function runClient(trustCertificate: boolean) {
    const url = `s3://${freshBucketName("tls")}?endpoint=${encodeURIComponent(`https://127.0.0.1:${port}`)}&buffer-size=${5 * MiB}`;
    // Asynchronous, so this process keeps serving the proxy while the child talks through it.
    return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--input-type=module", "-e", CLIENT],
        {
          cwd: join(import.meta.dirname, ".."),
          env: {
            ...process.env,
            TEST_STORE_URL: url,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            ...(trustCertificate ? { NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") } : {}),
          },
          timeout: 120_000,
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  it("stores a small object and a streamed multipart object that read back byte-identical", async () => {
    const before = bytesUp;
    const run = await runClient(true);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ small: true, big: true, multipart: true, smallMultipart: false });
    expect(bytesUp - before).toBeGreaterThan(11 * MiB); // the body really went through TLS
    await new Promise((resolve) => setTimeout(resolve, 100)); // the proxy's connections end with the child
    // PutObject and UploadPart came from the lean path (no SDK user agent), signed with UNSIGNED-PAYLOAD.
    const leanPuts = heads.filter((head) => head.startsWith("PUT ") && !/aws-sdk-js/i.test(head));
    expect(leanPuts.filter((head) => /[?&]partNumber=/.test(head.split("\r\n")[0]!)).length).toBe(3);
    expect(leanPuts.filter((head) => head.startsWith("PUT /") && head.includes("small.nar")).length).toBe(1);
    for (const head of leanPuts) expect(head).toMatch(/x-amz-content-sha256: UNSIGNED-PAYLOAD/i);
  });

  it("fails with a certificate error when the client does not trust the certificate", async () => {
    const run = await runClient(false);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/self[- ]signed certificate|SELF_SIGNED/i);
  });
});
