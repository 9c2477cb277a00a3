// Local writes that a hostile or slow cache cannot trick, run as a user would (spawned dist/main.js): SIGINT and
// SIGTERM during `fetch` and `copy --to local?root=…` remove the temp trees and exit 130/143; a 211-character store
// path name fetches and copies (temp names within NAME_MAX); a `.drv` that is a symlink to a FIFO is refused, not hung.

import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNar } from "@narwhal/nar";
import { BinaryCacheStore } from "@narwhal/store";
import { hashBytes, makeStorePath } from "@narwhal/store-path";
import { NARWHAL, narwhal } from "./run-narwhal.js";
import {
  buildClosure,
  hasNix,
  narOf,
  nix,
  nixCache,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";

/** A real HTTP server over a file:// cache directory that trickles NAR bodies (1 KiB per 20 ms). */
async function startTrickleServer(
  dir: string,
): Promise<{ url: string; narsCompleted: () => number; close: () => Promise<void> }> {
  let completed = 0;
  const server: Server = createServer((request, response) => {
    const key = decodeURIComponent((request.url ?? "/").slice(1).split("?")[0]!);
    readFile(join(dir, key)).then(
      (bytes) => {
        response.writeHead(200, { "content-length": bytes.length });
        if (request.method === "HEAD") return void response.end();
        if (!key.startsWith("nar/")) return void response.end(bytes);
        let at = 0;
        const timer = setInterval(() => {
          response.write(bytes.subarray(at, (at += 1024)));
          if (at >= bytes.length) {
            clearInterval(timer);
            completed++;
            response.end();
          }
        }, 20);
        response.on("close", () => clearInterval(timer));
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    narsCompleted: () => completed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Temp trees beside a target: `.narwhal-<pid>-<label>-XXXXXX` (and the `.<name>.narwhal-XXXXXX` of older narwhal). */
const tempTrees = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((name) => name.includes(".narwhal-")) : [];

/** Spawns narwhal, sends `signal` once `ready()` holds, and resolves with how it ended. */
function interrupt(
  args: string[],
  ready: () => boolean,
  signal: NodeJS.Signals,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string; sentAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NARWHAL, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    const started = Date.now();
    let stderr = "";
    let sentAfterMs = -1;
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      if (sentAfterMs < 0 && ready()) {
        sentAfterMs = Date.now() - started;
        child.kill(signal);
      } else if (Date.now() - started > 30_000) {
        child.kill("SIGKILL");
      }
    }, 10);
    child.on("error", reject);
    child.on("exit", (status, killedBy) => {
      clearInterval(poll);
      resolve({ status, signal: killedBy, stderr, sentAfterMs });
    });
  });
}

describe.skipIf(!hasNix)("local writes", () => {
  let closure: NixClosure;
  let server: Awaited<ReturnType<typeof startTrickleServer>>;

  beforeAll(async () => {
    closure = buildClosure("local-writes");
    server = await startTrickleServer(nixCache(closure, "none").slice("file://".length)); // the tree's NAR: ~150 kB, seconds
  });
  afterAll(async () => {
    await server.close();
    await removeTempDirs();
  });

  for (const [signal, status] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} during fetch removes the temp tree and exits ${status}`, async () => {
      const parent = tempDir(`fetch-${signal}`);
      const out = join(parent, "out");
      const completed = server.narsCompleted();
      const result = await interrupt(
        ["fetch", "--from", server.url, closure.tree, "--out", out, "--trusted-public-keys", closure.publicKey],
        () => tempTrees(parent).length > 0,
        signal,
      );
      expect(result.sentAfterMs, "the temp tree should have appeared").toBeGreaterThan(0);
      expect(result.signal).toBeNull();
      expect(result.status).toBe(status);
      expect(result.stderr).toMatch(
        new RegExp(
          `fetching ${closure.tree} into .* was aborted \\(interrupted by ${signal}\\); its temp tree was removed`,
        ),
      );
      expect(readdirSync(parent)).toEqual([]);
      expect(existsSync(out)).toBe(false);
      expect(server.narsCompleted()).toBe(completed); // it really was interrupted mid-NAR
    });

    it(`${signal} during copy --to local?root=… removes the temp trees and exits ${status}`, async () => {
      const root = tempDir(`copy-${signal}`);
      const storeDir = join(root, "nix/store");
      const result = await interrupt(
        [
          "copy",
          "--from",
          server.url,
          "--to",
          `local?root=${root}`,
          "--trusted-public-keys",
          closure.publicKey,
          closure.tree,
          closure.output,
        ],
        () => tempTrees(storeDir).some((name) => name.includes(closure.tree.slice(11, 43))),
        signal,
      );
      expect(result.sentAfterMs).toBeGreaterThan(0);
      expect(result.signal).toBeNull();
      expect(result.status).toBe(status);
      expect(result.stderr).toMatch(new RegExp(`copying into ${storeDir} was aborted \\(interrupted by ${signal}\\)`));
      expect(tempTrees(storeDir)).toEqual([]);
      expect(existsSync(join(root, closure.tree))).toBe(false);
      expect(
        nix("nix-store", ["--store", `local?root=${root}`, "--check-validity", "--print-invalid", closure.tree]),
      ).toBe(closure.tree);
      nix("nix-store", ["--verify", "--check-contents", "--store", `local?root=${root}`]); // what did get in is complete
    }, 30_000);
  }

  it("fetch and copy --to local of a path with a 211-character name (temp names within NAME_MAX)", async () => {
    const src = join(tempDir("long-src"), "d");
    mkdirSync(src);
    const name = `long-${process.pid}-${Date.now()}-`.padEnd(211, "n");
    writeFileSync(join(src, name), "the longest store path name\n");
    const path = nix("nix-store", ["--add", join(src, name)]);
    expect(basename(path)).toHaveLength(244);
    const cache = tempDir("long-cache");
    nix("nix", ["copy", "--to", `file://${cache}?compression=xz&secret-key=${closure.secretKeyFile}`, path]);

    const out = join(tempDir("long-out"), basename(path));
    const fetched = await narwhal([
      "fetch",
      "--from",
      `file://${cache}`,
      path,
      "--out",
      out,
      "--trusted-public-keys",
      closure.publicKey,
    ]);
    expect(fetched.stderr).not.toMatch(/ENAMETOOLONG/);
    expect(fetched.status).toBe(0);
    expect(narOf(out).equals(narOf(path))).toBe(true);

    const root = tempDir("long-root");
    const copied = await narwhal([
      "copy",
      "--from",
      `file://${cache}`,
      "--to",
      `local?root=${root}`,
      "--trusted-public-keys",
      closure.publicKey,
      path,
    ]);
    expect(copied.stderr).not.toMatch(/ENAMETOOLONG/);
    expect(copied.status).toBe(0);
    nix("nix-store", ["--verify", "--check-contents", "--store", `local?root=${root}`]);
    expect(narOf(join(root, path)).equals(narOf(path))).toBe(true);
  });

  it("copy --to local refuses a .drv whose NAR is a symlink to a FIFO (no hang), leaving nothing", async () => {
    const fifo = join(tempDir("fifo"), "fifo");
    execFileSync("mkfifo", [fifo]);
    const parts: Buffer[] = [];
    for await (const chunk of writeNar([{ type: "symlink", segments: [], target: fifo }])) parts.push(chunk);
    const nar = Buffer.concat(parts);
    const cache = tempDir("fifo-cache");
    const storePath = makeStorePath("output:out", hashBytes("sha256", `fifo ${Date.now()}`), "evil.drv");
    const writer = await BinaryCacheStore.open(`file://${cache}?compression=none&secret-key=${closure.secretKeyFile}`);
    await writer.addToStore({
      info: { storePath, narHash: hashBytes("sha256", nar), narSize: nar.length, references: [] },
      nar: (async function* () {
        yield nar;
      })(),
    });

    const root = tempDir("fifo-root");
    const result = await narwhal([
      "copy",
      "--from",
      `file://${cache}`,
      "--to",
      `local?root=${root}`,
      "--trusted-public-keys",
      closure.publicKey,
      storePath.path,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${storePath.path} is a derivation (.drv), so its NAR must be a single regular file, but it holds a symlink`,
    );
    expect(readdirSync(join(root, "nix/store"))).toEqual([]);
    expect(
      nix("nix-store", ["--store", `local?root=${root}`, "--check-validity", "--print-invalid", storePath.path]),
    ).toBe(storePath.path);
  }, 30_000);
});
