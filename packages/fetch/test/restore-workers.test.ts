// Paths fetched in worker threads (RestoreWorkers): the same result as on the calling thread (byte-identical trees,
// registered in a local store), the same refusals of a damaged cache with nothing left behind, and a worker that
// checks the narinfo's signatures again with its own keys instead of taking the caller's word for it.

import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore, type StoreOpening } from "@narwhal/store";
import {
  buildClosure,
  copyCache,
  flipByte,
  hasNix,
  narOf,
  nixCache,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";
import { copyClosureToLocalStore, fetchPathsInto, fetchTargetIn, RestoreWorkers } from "../src/index.js";

describe.skipIf(!hasNix)("RestoreWorkers", () => {
  let closure: NixClosure;
  let url: string;

  beforeAll(() => {
    closure = buildClosure("workers");
    url = nixCache(closure, "zstd");
  });
  afterAll(removeTempDirs);

  const openingOf = (cacheUrl: string, keys = closure.publicKey): StoreOpening => ({
    url: cacheUrl,
    trustedPublicKeys: keys,
    requireSigs: true,
  });
  const open = (cacheUrl: string): Promise<BinaryCacheStore> =>
    BinaryCacheStore.open(cacheUrl, { trustedPublicKeys: TrustedKeys.from(closure.publicKey), createCacheInfo: false });

  async function withWorkers<T>(opening: StoreOpening, body: (workers: RestoreWorkers) => Promise<T>): Promise<T> {
    const workers = new RestoreWorkers(opening, { threads: 2 });
    try {
      return await body(workers);
    } finally {
      await workers.close();
    }
  }

  it("copies a closure into a local store, every path byte-identical and registered", async () => {
    const store = await open(url);
    const root = tempDir("root");
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    let bytes = 0;
    try {
      const result = await withWorkers(openingOf(url), (workers) =>
        copyClosureToLocalStore(store, registry, [closure.output, closure.tree], {
          workers,
          onProgress: (progress) => {
            bytes = progress.narBytesDone;
          },
        }),
      );
      expect(result.failed).toEqual([]);
      expect(result.copied.map((item) => item.storePath).sort()).toEqual([...closure.paths].sort());
      expect(bytes).toBe(result.copied.reduce((sum, item) => sum + item.narSize, 0));
      for (const path of closure.paths) {
        expect(registry.isValidPath(store.parsePath(path))).toBe(true);
        expect(narOf(join(root, path)).equals(narOf(path))).toBe(true);
      }
    } finally {
      registry.close();
      await store.close();
    }
  });

  it("hands the workers no more paths than they take at once: one worker, --jobs 8, a closure with references", async () => {
    // A path left in Piscina's queue may be started after later ones, while a path referring to it holds the
    // worker: the CLI hung on one core this way. So nothing may wait in that queue.
    const store = await open(url);
    const root = tempDir("one-worker");
    const registry = openLocalStoreRegistry(`local?root=${root}`);
    const workers = new RestoreWorkers(openingOf(url), { threads: 1 });
    let inside = 0;
    let most = 0;
    const fetchPath = workers.fetchPath.bind(workers);
    workers.fetchPath = async (...args) => {
      most = Math.max(most, ++inside);
      try {
        return await fetchPath(...args);
      } finally {
        inside--;
      }
    };
    try {
      expect(workers.capacity).toBe(1);
      const result = await copyClosureToLocalStore(store, registry, [closure.output, closure.tree], {
        workers,
        jobs: 8,
      });
      expect(result.failed).toEqual([]);
      expect(result.copied).toHaveLength(closure.paths.length);
      expect(most).toBe(1);
    } finally {
      await workers.close();
      registry.close();
      await store.close();
    }
  });

  it("fetches several paths, and reports a missing one by code while the rest arrive", async () => {
    const store = await open(url);
    const out = tempDir("several");
    const first = closure.paths[0]!;
    const missing = `${first.slice(0, 11)}${"0".repeat(32)}${first.slice(43)}`;
    try {
      let bytes = 0;
      const result = await withWorkers(openingOf(url), (workers) =>
        fetchPathsInto(store, [...closure.paths, missing], out, {
          workers,
          onNarBytes: (n) => {
            bytes += n;
          },
        }),
      );
      expect(bytes).toBe(result.fetched.reduce((sum, item) => sum + item.narSize, 0));
      expect(result.fetched.map((item) => item.storePath)).toEqual(closure.paths);
      expect(result.failed.map((item) => [item.storePath, (item.error as { code?: string }).code])).toEqual([
        [missing, "PATH_NOT_IN_CACHE"],
      ]);
      for (const path of closure.paths) expect(narOf(fetchTargetIn(out, path)).equals(narOf(path))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("refuses a damaged NAR with the store's error code and leaves nothing beside the target", async () => {
    const cache = copyCache(url);
    flipByte(cache.narFile(closure.output));
    const store = await open(cache.url);
    const out = tempDir("damaged");
    try {
      const result = await withWorkers(openingOf(cache.url), (workers) =>
        fetchPathsInto(store, [closure.output, closure.dependency], out, { workers }),
      );
      expect(result.fetched.map((item) => item.storePath)).toEqual([closure.dependency]);
      expect(result.failed).toHaveLength(1);
      expect(["FILE_HASH_MISMATCH", "NAR_CORRUPT"]).toContain((result.failed[0]!.error as { code?: string }).code);
      expect(result.failed[0]!.error.message).toContain(basename(cache.narFile(closure.output)));
      expect(readdirSync(out)).toEqual([basename(closure.dependency)]);
    } finally {
      await store.close();
    }
  });

  it("stops a NAR that decodes past its NarSize in the worker, as the store's bound says", async () => {
    const cache = copyCache(url);
    cache.setField(closure.output, "NarSize", "8");
    const store = await BinaryCacheStore.open(cache.url, { requireSigs: false, createCacheInfo: false });
    const out = tempDir("bomb");
    try {
      const result = await withWorkers({ ...openingOf(cache.url), requireSigs: false }, (workers) =>
        fetchPathsInto(store, [closure.output, closure.dependency], out, { workers }),
      );
      expect(result.fetched.map((item) => item.storePath)).toEqual([closure.dependency]);
      expect(result.failed.map((item) => [item.storePath, (item.error as { code?: string }).code])).toEqual([
        [closure.output, "NAR_SIZE_MISMATCH"],
      ]);
      expect(readdirSync(out)).toEqual([basename(closure.dependency)]);
    } finally {
      await store.close();
    }
  });

  it("checks signatures in the worker with the worker's own keys", async () => {
    const store = await open(url); // trusts the closure's key, so the narinfo passes here
    const out = tempDir("distrust");
    try {
      // The built output needs a trusted signature; the text dependency is content-addressed, so it needs none.
      const result = await withWorkers(openingOf(url, closure.otherPublicKey), (workers) =>
        fetchPathsInto(store, [closure.output, closure.dependency], out, { workers }),
      );
      expect(result.fetched.map((item) => item.storePath)).toEqual([closure.dependency]);
      expect(result.failed.map((item) => [item.storePath, (item.error as { code?: string }).code])).toEqual([
        [closure.output, "UNTRUSTED_SIGNATURES"],
      ]);
      expect(readdirSync(out)).toEqual([basename(closure.dependency)]);
    } finally {
      await store.close();
    }
  });

  it("stops on abort: the call rejects ABORTED and no temp tree stays", async () => {
    const store = await open(url);
    const out = tempDir("abort");
    const controller = new AbortController();
    try {
      const fetching = withWorkers(openingOf(url), (workers) =>
        fetchPathsInto(store, closure.paths, out, {
          workers,
          signal: controller.signal,
          onNarBytes: () => controller.abort(new Error("test stop")),
        }),
      );
      await expect(fetching).rejects.toMatchObject({ code: "ABORTED" });
      expect(readdirSync(out).filter((name) => name.startsWith("."))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
