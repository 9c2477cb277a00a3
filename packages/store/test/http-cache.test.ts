// A cache served over http(s) by a real local HTTP server: written through file://, read back through the
// http transport with its signatures and NARs checked.

import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryCacheStore } from "../src/index.js";
import {
  chunksOf,
  collect,
  fakeStorePath,
  narOfFiles,
  pathInfoFor,
  removeTempDirs,
  tempDir,
} from "./support/fixtures.js";

describe("a cache over http", () => {
  let server: Server;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir("http-cache");
    server = createServer((request, response) => {
      readFile(join(dir, decodeURIComponent((request.url ?? "/").slice(1)))).then(
        (bytes) => {
          response.writeHead(200, { "content-length": bytes.length });
          response.end(request.method === "HEAD" ? undefined : bytes);
        },
        () => void response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await removeTempDirs();
  });

  it("reads a cache written through file:// with signatures checked", async () => {
    const writer = await BinaryCacheStore.open(`file://${dir}?compression=xz`);
    const nar = await narOfFiles({ hello: "over http" });
    const path = fakeStorePath("http-path");
    await writer.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    const reader = await BinaryCacheStore.open(`${base}/`, { requireSigs: false });
    expect((await reader.info()).storeDir).toBe("/nix/store");
    expect((await collect(reader.narFromPath(path))).equals(nar)).toBe(true);
    expect(await reader.isValidPath(path)).toBe(true);
    expect(await reader.queryPathInfo(fakeStorePath("absent"))).toBeUndefined();
  });
});
