// Compression threads per upload: a copy gives the codec's own threads only to a NAR that is more than half of
// the bytes to copy; every other NAR compresses on one thread (the uploads beside it keep the cores busy).

import { afterAll, describe, expect, it } from "vitest";
import { TempDirs } from "@narwhal/test-kit";
import { BinaryCacheStore, type UploadNarRequest } from "@narwhal/store";
import { copyPaths } from "../src/index.js";
import { compressionThreadsFor } from "../src/compression-threads.js";
import { SyntheticSource } from "./synthetic-source.js";

const dirs = new TempDirs("narwhal-engine-threads-");
afterAll(() => dirs.removeAll());

/** A real file:// store whose uploadNar requests are recorded on the way through. */
async function observedStore(): Promise<{ store: BinaryCacheStore; requests: UploadNarRequest[] }> {
  const dir = await dirs.make();
  const store = await BinaryCacheStore.open(`file://${dir}?compression=zstd&parallel-compression=true`, {
    requireSigs: false,
  });
  const requests: UploadNarRequest[] = [];
  const upload = store.uploadNar.bind(store);
  store.uploadNar = (request) => {
    requests.push(request);
    return upload(request);
  };
  return { store, requests };
}

function threadsByName(source: SyntheticSource, requests: readonly UploadNarRequest[]): Record<string, unknown> {
  const names = new Map([...source.paths].map(([name, path]) => [path.path, name]));
  return Object.fromEntries(requests.map((r) => [names.get(r.info.storePath.path), r.compressionThreads]));
}

describe("compressionThreadsFor", () => {
  it("leaves the choice to the codec only for a NAR of more than half the bytes to copy", () => {
    expect(compressionThreadsFor(100, 100)).toBeUndefined();
    expect(compressionThreadsFor(51, 100)).toBeUndefined();
    expect(compressionThreadsFor(50, 100)).toBe(1); // two equal paths: one thread each, side by side
    expect(compressionThreadsFor(43, 171)).toBe(1); // the largest path of the benchmark closure
  });
});

describe("copyPaths compression threads", () => {
  it("compresses each NAR of a closure where none dominates on one thread", async () => {
    const source = await SyntheticSource.of([
      { name: "a", size: 300_000 },
      { name: "b", size: 250_000 },
      { name: "c", size: 200_000, references: ["a", "b"] },
    ]);
    const { store, requests } = await observedStore();
    const summary = await copyPaths(source, store, await source.resolve([source.path("c")], true), { jobs: 4 });
    await store.close();
    expect(summary.failed).toEqual([]);
    expect(threadsByName(source, requests)).toEqual({ a: 1, b: 1, c: 1 });
  });

  it("lets a NAR that is most of the copy use the codec's threads, and the small ones beside it one", async () => {
    const source = await SyntheticSource.of([
      { name: "small", size: 20_000 },
      { name: "big", size: 900_000, references: ["small"] },
    ]);
    const { store, requests } = await observedStore();
    const summary = await copyPaths(source, store, await source.resolve([source.path("big")], true), { jobs: 4 });
    await store.close();
    expect(summary.failed).toEqual([]);
    expect(threadsByName(source, requests)).toEqual({ big: undefined, small: 1 });
  });
});
