// Library lifetimes: copy(), storeAdd(), fetchPath() and verifyCache(), each called twice in one process (to
// file://, to S3 on the real Ceph RGW, from an http cache), leave no open handle and no extra thread behind: what
// a call opens, it closes, and the compression worker pools go when their last user does.

import { createServer, type Server } from "node:http";
import { readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCache } from "@narwhal/cache-maintenance";
import { copy, storeAdd } from "@narwhal/engine";
import { fetchPath } from "@narwhal/fetch";
import { BinaryCacheStore } from "@narwhal/store";

const S3 = process.env["S3_ENDPOINT"];

/** What the process holds open: active handles and requests by type, and its thread count. */
function resources(): { handles: Record<string, number>; threads: number } {
  const handles: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1;
  const threads = readdirSync("/proc/self/task");
  return { handles, threads: threads.length };
}

/** Resources once transient ones (a closing socket, a finishing fs request) had a few turns of the loop to go. */
async function settled(): Promise<ReturnType<typeof resources>> {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return resources();
}

describe("library calls leave nothing running", () => {
  let root: string;
  let tree: string;
  let server: Server;
  let httpBase: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "narwhal-lifetimes-"));
    tree = join(root, "tree");
    await mkdir(join(tree, "bin"), { recursive: true });
    await writeFile(join(tree, "bin", "tool"), (await readFile(process.execPath)).subarray(0, 40 * 1024 * 1024));
    await writeFile(
      join(tree, "README"),
      "a tree with one 40 MiB binary: past 32 MiB a parallel-compression NAR is cut into chunks for the worker pool\n",
    );
    server = createServer((request, response) => {
      readFile(join(root, "source", decodeURIComponent((request.url ?? "/").slice(1)))).then(
        (bytes) =>
          void response
            .writeHead(200, { "content-length": bytes.length })
            .end(request.method === "HEAD" ? undefined : bytes),
        () => void response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    httpBase = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it("storeAdd, copy, fetchPath and verifyCache twice each", async () => {
    const source = `file://${join(root, "source")}?compression=zstd&parallel-compression=true`;
    void process.stdout, void process.stderr; // created lazily on first use (a library warning): not ours to count
    const baseline = await settled();
    const added = await storeAdd({ path: tree, to: source, name: "lifetimes" });
    for (let round = 0; round < 2; round++) {
      const store = await BinaryCacheStore.open(httpBase, { requireSigs: false, createCacheInfo: false });
      try {
        await fetchPath(store, added.storePath, join(root, `fetched-${round}`));
        const report = await verifyCache(store, { paths: [added.storePath] });
        expect(report.problems).toEqual([]);
      } finally {
        await store.close();
      }
      if (S3 !== undefined) {
        const bucket = `narwhal-lifetimes-${process.pid}-${round}`;
        const { ensureBucket, deleteBucket } = await import("@narwhal/s3");
        const url = `s3://${bucket}?endpoint=${encodeURIComponent(S3)}&compression=zstd&parallel-compression=true`;
        await ensureBucket(url);
        try {
          await copy({ from: source, to: url, paths: [added.storePath], sourceOptions: { requireSigs: false } });
        } finally {
          await deleteBucket(url);
        }
      }
      await copy({
        from: httpBase,
        to: `file://${join(root, `copied-${round}`)}?compression=zstd&parallel-compression=true`,
        paths: [added.storePath],
        sourceOptions: { requireSigs: false },
      });
      // last, right before the check: worker threads that merely idled would still be there
      await storeAdd({
        path: tree,
        to: `file://${join(root, `added-${round}`)}?compression=zstd&parallel-compression=true`,
        name: "lifetimes",
      });
    }
    const after = await settled();
    const more = Object.entries(after.handles).filter(([type, count]) => count > (baseline.handles[type] ?? 0));
    expect(more, "handles left open").toEqual([]);
    expect(after.threads, "threads left running").toBeLessThanOrEqual(baseline.threads);
  });
});
