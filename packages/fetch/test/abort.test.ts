// Aborting a fetch or a copy into a local store while a NAR is still streaming in (from a real HTTP server that
// trickles it): the call rejects with FetchError ABORTED at once, and no temp tree, target or row is left behind.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { copyClosureToLocalStore, fetchPath } from "../src/index.js";
import {
  buildClosure,
  hasNix,
  narOf,
  nixCache,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";
import { expectNothingOf } from "./support/hostile-cache.js";
import { startTrickleServer, type TrickleServer } from "./support/trickle-server.js";

const tempTrees = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith(".narwhal-"));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!hasNix)("aborting", () => {
  let closure: NixClosure;
  let server: TrickleServer;

  beforeAll(async () => {
    closure = buildClosure("abort");
    // uncompressed, so the tree's 150 kB NAR takes seconds at 1 KiB per 20 ms
    server = await startTrickleServer(nixCache(closure, "none").slice("file://".length));
  });
  afterAll(async () => {
    await server.close();
    await removeTempDirs();
  });

  const open = (): Promise<BinaryCacheStore> =>
    BinaryCacheStore.open(server.url, {
      trustedPublicKeys: TrustedKeys.from(closure.publicKey),
      createCacheInfo: false,
    });

  it("fetchPath: stops mid-NAR, removes its temp tree, rejects with ABORTED naming the path", async () => {
    const parent = tempDir("abort-fetch");
    const controller = new AbortController();
    let bytes = 0;
    const fetching = fetchPath(await open(), closure.tree, join(parent, "out"), {
      signal: controller.signal,
      onNarBytes: (n) => (bytes += n),
    });
    fetching.catch(() => undefined);
    await waitFor(() => bytes > 0 && tempTrees(parent).length === 1, "the restore to be under way");
    const completedBefore = server.narsCompleted();
    const abortedAt = Date.now();
    controller.abort(new Error("test stop"));
    await expect(fetching).rejects.toMatchObject({
      code: "ABORTED",
      input: closure.tree,
      message: expect.stringMatching(
        new RegExp(`^fetching ${closure.tree} into .* was aborted \\(test stop\\); its temp tree was removed$`),
      ),
    });
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(readdirSync(parent)).toEqual([]);
    expect(server.narsCompleted()).toBe(completedBefore); // the NAR was really cut short
  });

  it("fetchPath: an already aborted signal fetches nothing", async () => {
    const parent = tempDir("abort-before");
    await expect(
      fetchPath(await open(), closure.tree, join(parent, "out"), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: "ABORTED" });
    expect(readdirSync(parent)).toEqual([]);
  });

  it("copyClosureToLocalStore: stops in-flight restores, removes their temp trees, keeps only complete paths", async () => {
    const root = tempDir("abort-copy");
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    const controller = new AbortController();
    let copying: Promise<unknown>;
    try {
      copying = copyClosureToLocalStore(await open(), registry, [closure.output, closure.tree], {
        jobs: 3,
        signal: controller.signal,
      });
      copying.catch(() => undefined);
      await waitFor(
        () => tempTrees(registry.realStoreDir).some((name) => name.includes(closure.tree.slice(11, 43))),
        "the tree's restore to be under way",
      );
      controller.abort();
      await expect(copying).rejects.toMatchObject({
        code: "ABORTED",
        input: registry.realStoreDir,
        message: expect.stringContaining("the unfinished ones were removed"),
      });
      expect(tempTrees(registry.realStoreDir)).toEqual([]);
    } finally {
      registry.close();
    }
    expectNothingOf(root, closure.tree);
    for (const path of [closure.dependency, closure.output]) {
      // small paths may have finished before the abort: then they are complete and registered, else absent
      const store = openLocalStoreRegistry(`local?root=${root}`);
      const valid = store.isValidPath(path);
      store.close();
      if (valid) expect(narOf(join(root, path)).equals(narOf(path))).toBe(true);
      else expectNothingOf(root, path);
    }
  });
});
