// Bulk copies (≥ 64 paths) answer "already there?" from one listing of the destination: skip-existing, NAR dedup
// against objects the listing shows, identical NARs within the run, and the per-path fallback when the cache is
// too large to list (or cannot be listed), all against a real file:// cache.

import { afterAll, describe, expect, it } from "vitest";
import { TempDirs } from "@narwhal/test-kit";
import { FileBlobStore, HttpBlobStore } from "@narwhal/blob-store";
import { BinaryCacheStore, SNAPSHOT_MIN_PATHS } from "@narwhal/store";
import { copy } from "../src/index.js";
import { cacheProblems } from "./cache-consistency.js";
import { RecordingBlobStore } from "./recording-blob-store.js";
import { SyntheticSource, type SyntheticPath } from "./synthetic-source.js";

const dirs = new TempDirs("narwhal-bulk-");
const tempDir = () => dirs.make();
afterAll(() => dirs.removeAll());

async function recordingStore(): Promise<{ store: BinaryCacheStore; blobs: RecordingBlobStore }> {
  const blobs = new RecordingBlobStore(await tempDir());
  const settings = (
    await BinaryCacheStore.open(`file:///tmp/unused-${process.pid}?compression=zstd`, { createCacheInfo: false })
  ).settings;
  const store = new BinaryCacheStore(blobs, settings, { requireSigs: false, url: "recording" });
  await store.init();
  return { store, blobs };
}

function manyPaths(count: number, prefix: string): SyntheticPath[] {
  // every tenth path shares its contents with the previous one (identical NARs); some refer to an earlier path
  return Array.from({ length: count }, (_, i) => {
    const twinOf = i % 10 === 9 ? i - 1 : i;
    return {
      name: `${prefix}${i}`,
      size: 100 + (twinOf % 7) * 300,
      content: `${prefix}${twinOf}`,
      ...(i > 0 && i % 5 === 0 ? { references: [`${prefix}${i - 1}`] } : {}),
    };
  });
}

describe("bulk copies with a destination listing", () => {
  it("skips what the listing shows, reuses listed NAR objects and uploads identical NARs once", async () => {
    const specs = manyPaths(100, "p");
    const source = await SyntheticSource.of(specs, "bulk");
    const { store, blobs } = await recordingStore();
    const firstHalf = specs.slice(0, 40).map((spec) => source.path(spec.name));
    await copy({ from: source, to: store, paths: firstHalf, recursive: false });
    const before = blobs.completed.length;

    const all = specs.map((spec) => source.path(spec.name));
    const summary = await copy({ from: source, to: store, paths: all, recursive: false, jobs: 8 });
    expect(summary.failed).toEqual([]);
    expect(summary.skipped.sort()).toEqual([...firstHalf].sort());
    expect(summary.copied).toHaveLength(60);
    const written = blobs.completed.slice(before);
    expect(written.filter((key) => key.endsWith(".narinfo"))).toHaveLength(60);
    // 60 new paths, 6 of them (p49, p59, ... p99) share their NAR with the path before: 54 NAR objects
    const narPuts = written.filter((key) => key.startsWith("nar/"));
    expect(new Set(narPuts).size).toBe(narPuts.length);
    expect(narPuts).toHaveLength(54);
    expect(await cacheProblems(store)).toEqual([]);
  });

  it("narinfos of paths whose NAR was already listed still carry the stored object's FileSize", async () => {
    const specs = manyPaths(70, "q");
    const source = await SyntheticSource.of(specs, "dedup");
    const { store } = await recordingStore();
    // q8 and q9 share a NAR: copy q8 first so q9's NAR is found by the listing
    await copy({ from: source, to: store, paths: [source.path("q8")], recursive: false });
    await copy({ from: source, to: store, paths: specs.map((spec) => source.path(spec.name)), recursive: false });
    const a = await store.queryPathInfo(source.path("q8"));
    const b = await store.queryPathInfo(source.path("q9"));
    expect(b!.url).toBe(a!.url);
    expect(b!.fileSize).toBe(a!.fileSize);
    expect(await cacheProblems(store)).toEqual([]);
  });

  it("declines to list when too few paths are asked, the cache is too large, or the transport cannot list", async () => {
    const source = await SyntheticSource.of(manyPaths(SNAPSHOT_MIN_PATHS, "r"), "listing");
    const { store } = await recordingStore();
    await copy({
      from: source,
      to: store,
      paths: [...source.paths.values()].map((path) => path.path),
      recursive: false,
    });
    expect(await store.takeSnapshot(SNAPSHOT_MIN_PATHS - 1)).toBeUndefined();
    const listing = await store.takeSnapshot(SNAPSHOT_MIN_PATHS);
    expect(listing).toBeDefined();
    expect(listing!.hasNarInfo(source.paths.get("r3")!.hashPart)).toBe(true);
    expect(listing!.hasNarInfo("0".repeat(32))).toBe(false);
    expect(listing!.narObject("nar/absent.nar.zst")).toEqual({ exists: false });

    const crowded = new FileBlobStore(await tempDir());
    for (let i = 0; i < SNAPSHOT_MIN_PATHS * 125 + 1; i += 1)
      await crowded.put(`log/x${i}`, Buffer.from("x"), { contentType: "text/plain" });
    expect(await new BinaryCacheStore(crowded).takeSnapshot(SNAPSHOT_MIN_PATHS)).toBeUndefined();
    expect(
      await new BinaryCacheStore(new HttpBlobStore("http://127.0.0.1:9/cache")).takeSnapshot(SNAPSHOT_MIN_PATHS),
    ).toBeUndefined();
  }, 60_000);
});
