// The nix.conf / NIX_CONFIG settings the CLI follows besides trusted-public-keys, run as a user would: the S3
// retry settings (filetransfer-retry-attempts, -delay) against a local server that answers every request with 500,
// and a bad value refused by name.

import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { narwhal } from "./run-narwhal.js";

describe("nix.conf settings for transports", () => {
  let server: Server;
  let endpoint: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests++;
      request.resume();
      response
        .writeHead(500, { "content-type": "application/xml" })
        .end("<Error><Code>InternalError</Code><Message>always</Message></Error>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function infoWith(nixConfig: string): Promise<{ status: number; stderr: string; requests: number }> {
    requests = 0;
    const run = await narwhal(
      ["store", "info", "--store", `s3://retry-bucket?endpoint=${encodeURIComponent(endpoint)}`],
      undefined,
      { NIX_CONFIG: nixConfig, AWS_ACCESS_KEY_ID: "narwhal-test", AWS_SECRET_ACCESS_KEY: "narwhal-test-secret" },
    );
    return { status: run.status, stderr: run.stderr, requests };
  }

  it("filetransfer-retry-attempts sets how often an S3 request is tried", async () => {
    const two = await infoWith("filetransfer-retry-attempts = 2\nfiletransfer-retry-delay = 1");
    expect(two.status).toBe(1);
    expect(two.requests).toBe(2);
    const four = await infoWith("download-attempts = 4\nfiletransfer-retry-delay = 1");
    expect(four.requests).toBe(4);
  });

  it("a value that is not a number is refused by name", async () => {
    const bad = await infoWith("filetransfer-retry-attempts = many");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("filetransfer-retry-attempts");
    expect(bad.requests).toBe(0);
  });
});
