// The http(s) transport against hostile servers on 127.0.0.1: one that trickles bytes slower than 1 byte/s (Nix's
// low-speed rule), one that never answers, one that sends a tiny Content-Encoding bomb, and one whose URL has a
// password, which no message may show.

import { createServer, type Server, type ServerResponse } from "node:http";
import { execFileSync } from "node:child_process";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HttpBlobStore } from "../src/index.js";
import { collect } from "./support/fixtures.js";

const servers: Server[] = [];
const open: Set<ServerResponse> = new Set();
afterEach(() => {
  for (const response of open) response.destroy();
  open.clear();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handle: (response: ServerResponse, method: string) => void): Promise<string> {
  const server = createServer((request, response) => {
    open.add(response);
    handle(response, request.method ?? "GET");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("HttpBlobStore against hostile servers", () => {
  it("gives up on a body that arrives slower than 1 byte/s over the stall window", async () => {
    const base = await serve((response) => {
      response.writeHead(200, { "content-length": 1000 });
      response.write("x");
      const timer = setInterval(() => response.write("x"), 1500);
      response.on("close", () => clearInterval(timer));
    });
    const blobs = new HttpBlobStore(base, { stalledTimeoutMs: 1000 });
    const object = await blobs.get("slow.narinfo");
    const error = await collect(object!.body).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "TIMEOUT", key: "slow.narinfo" });
    expect((error as Error).message).toContain("less than 1 byte/s");
    await blobs.close();
  });

  it("gives up waiting for headers that never come", async () => {
    const base = await serve(() => {});
    const blobs = new HttpBlobStore(base, { stalledTimeoutMs: 500 });
    await expect(blobs.get("never.narinfo")).rejects.toMatchObject({ code: "TIMEOUT", key: "never.narinfo" });
    await expect(blobs.exists("never.narinfo")).rejects.toMatchObject({ code: "TIMEOUT" });
    await blobs.close();
  });

  it("stops decoding a Content-Encoding bomb at its bound while it decodes", async () => {
    const bomb = execFileSync("bash", ["-c", "head -c 268435456 /dev/zero | zstd -q -19 -c"], { maxBuffer: 1 << 24 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const base = await serve((response) => {
      response.writeHead(200, { "content-encoding": "zstd", "content-length": bomb.length });
      response.end(bomb);
    });
    const blobs = new HttpBlobStore(base, { maxDecodedBytes: 8 * 1024 * 1024 });
    const object = await blobs.get("bomb.narinfo");
    let decoded = 0;
    const error = await (async () => {
      for await (const chunk of object!.body) decoded += chunk.length;
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "OBJECT_TOO_LARGE", key: "bomb.narinfo" });
    expect(decoded).toBeLessThanOrEqual(8 * 1024 * 1024);
    await blobs.close();
  });

  it("never shows the URL's password in its name or its errors", async () => {
    const base = await serve((response) => void response.writeHead(500).end());
    const withPassword = base.replace("http://", "http://reader:hunter2secret@");
    const blobs = new HttpBlobStore(withPassword);
    expect(blobs.url).not.toContain("hunter2secret");
    const error = await blobs.get("x.narinfo").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "TRANSPORT" });
    expect((error as Error).message).not.toContain("hunter2secret");
    await blobs.close();
  });
});
