// HttpBlobStore against a real local HTTP server serving a cache directory: HEAD/GET, ranges, 404 and 403 as
// absent, server errors and unreachable hosts as errors naming the object, and refusal to write.

import { createServer, type Server } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBlobStore, BlobStoreError } from "../src/index.js";
import { collect, removeTempDirs, tempDir } from "./support/fixtures.js";

describe("HttpBlobStore", () => {
  let server: Server;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir("http-cache");
    await writeFile(join(dir, "nix-cache-info"), "StoreDir: /nix/store\n");
    server = createServer((request, response) => {
      const path = decodeURIComponent((request.url ?? "/").slice(1));
      if (path === "forbidden") return void response.writeHead(403).end();
      if (path === "broken") return void response.writeHead(500).end();
      if (path === "zstd-encoded") {
        response.writeHead(200, { "content-encoding": "zstd" });
        return void response.end(
          request.method === "HEAD"
            ? undefined
            : execFileSync("zstd", ["-q", "-c"], { input: Buffer.from("decoded text") }),
        );
      }
      readFile(join(dir, path)).then(
        (bytes) => {
          const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
          if (range !== null) {
            const end = range[2] === "" ? bytes.length - 1 : Number(range[2]);
            response.writeHead(206, { "content-length": end - Number(range[1]) + 1 });
            return void response.end(request.method === "HEAD" ? undefined : bytes.subarray(Number(range[1]), end + 1));
          }
          response.writeHead(200, { "content-length": bytes.length });
          response.end(request.method === "HEAD" ? undefined : bytes);
        },
        () => void response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await removeTempDirs();
  });

  it("treats 404 and 403 as absent, reads ranges and decodes a zstd Content-Encoding", async () => {
    const blobs = new HttpBlobStore(base);
    expect(await blobs.exists("nix-cache-info")).toBe(true);
    expect(await blobs.exists("nope")).toBe(false);
    expect(await blobs.get("forbidden")).toBeUndefined();
    expect((await collect((await blobs.get("nix-cache-info", { range: { start: 0, end: 7 } }))!.body)).toString()).toBe(
      "StoreDir",
    );
    expect((await collect((await blobs.get("zstd-encoded"))!.body)).toString()).toBe("decoded text");
  });

  it("reports server errors, unreachable hosts and writes as errors naming the object", async () => {
    const blobs = new HttpBlobStore(base);
    await expect(blobs.get("broken")).rejects.toMatchObject({ code: "TRANSPORT", key: "broken" });
    await expect(blobs.put("x.narinfo")).rejects.toMatchObject({ code: "READ_ONLY", key: "x.narinfo" });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await new HttpBlobStore(`http://127.0.0.1:${port}`)
      .get("nix-cache-info")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobStoreError);
    expect((error as BlobStoreError).message).toContain("nix-cache-info");
    expect((error as BlobStoreError).message).toContain("ECONNREFUSED");
  });
});
