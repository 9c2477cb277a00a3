// The copy scheduler on generated closures into a real file:// cache: write order (NAR before narinfo, references'
// narinfos before referrers'), largest NAR first, skip-existing on a second run, identical NARs uploaded once,
// failures confined to the failing path and its referrers, and storeAdd naming paths like nix-store --add.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TempDirs } from "@narwhal/test-kit";
import { BinaryCacheStore } from "@narwhal/store";
import { copy, copyPaths, storeAdd, type CopyEvent } from "../src/index.js";
import { cacheProblems } from "./cache-consistency.js";
import { RecordingBlobStore } from "./recording-blob-store.js";
import { SyntheticSource } from "./synthetic-source.js";

const dirs = new TempDirs("narwhal-engine-");
const tempDir = () => dirs.make();
afterAll(() => dirs.removeAll());

async function recordingStore(compression = "zstd"): Promise<{ store: BinaryCacheStore; blobs: RecordingBlobStore }> {
  const blobs = new RecordingBlobStore(await tempDir());
  const store = new BinaryCacheStore(
    blobs,
    (
      await BinaryCacheStore.open(`file:///tmp/unused-${process.pid}?compression=${compression}`, {
        createCacheInfo: false,
      })
    ).settings,
    { requireSigs: false, url: "recording" },
  );
  await store.init();
  return { store, blobs };
}

// base <- lib <- app1, app2; app1 -> base too; big is large and independent of the others
const GRAPH = [
  { name: "base", size: 2_000 },
  { name: "lib", size: 300_000, references: ["base"] },
  { name: "app1", size: 50_000, references: ["lib", "base", "app1"] },
  { name: "app2", size: 10_000, references: ["lib"] },
  { name: "big", size: 1_500_000 },
];

describe("copyPaths", () => {
  it("publishes every narinfo after its NAR and its references' narinfos, and starts the largest NAR first", async () => {
    const source = await SyntheticSource.of(GRAPH);
    const { store, blobs } = await recordingStore();
    const events: CopyEvent[] = [];
    const infos = await source.resolve([source.path("app1"), source.path("app2"), source.path("big")], true);
    const summary = await copyPaths(source, store, infos, { jobs: 2, reporter: (event) => events.push(event) });
    expect(summary.failed).toEqual([]);
    expect(summary.copied.sort()).toEqual([...source.paths.values()].map((path) => path.path).sort());
    expect(summary.bytes).toBe(infos.reduce((sum, info) => sum + info.narSize, 0));
    const started = events
      .filter((event) => event.type === "path-started")
      .map((event) => (event as { path: string }).path);
    expect(started[0]).toBe(source.path("big"));
    expect(started[1]).toBe(source.path("lib"));
    for (const info of infos) {
      const narInfoAt = blobs.completed.indexOf(`${info.storePath.hashPart}.narinfo`);
      const narAt = blobs.completed.findIndex((key) => key.startsWith("nar/"));
      expect(narInfoAt).toBeGreaterThan(narAt);
      const narKey = (await store.queryPathInfo(info.storePath))!.url;
      expect(blobs.completed.indexOf(narKey)).toBeLessThan(narInfoAt);
      for (const reference of info.references) {
        if (reference.equals(info.storePath)) continue;
        expect(blobs.completed.indexOf(`${reference.hashPart}.narinfo`)).toBeLessThan(narInfoAt);
      }
    }
    expect(await cacheProblems(store)).toEqual([]);
  });

  it("skips what the destination has on a second run and uploads nothing", async () => {
    const source = await SyntheticSource.of(GRAPH, "second");
    const { store, blobs } = await recordingStore();
    await copy({ from: source, to: store, paths: [source.path("app1")] });
    const before = blobs.completed.length;
    const again = await copy({ from: source, to: store, paths: [source.path("app1"), source.path("app2")] });
    expect(again.skipped.sort()).toEqual([source.path("app1"), source.path("base"), source.path("lib")].sort());
    expect(again.copied).toEqual([source.path("app2")]);
    expect(blobs.completed.slice(before).filter((key) => key.endsWith(".narinfo"))).toEqual([
      `${source.paths.get("app2")!.hashPart}.narinfo`,
    ]);
  });

  it("uploads identical NARs once", async () => {
    const source = await SyntheticSource.of([
      { name: "twin-a", size: 200_000, content: "same" },
      { name: "twin-b", size: 200_000, content: "same" },
    ]);
    const { store, blobs } = await recordingStore();
    const summary = await copy({
      from: source,
      to: store,
      paths: [source.path("twin-a"), source.path("twin-b")],
      jobs: 4,
    });
    expect(summary.copied).toHaveLength(2);
    expect(blobs.started.filter((key) => key.startsWith("nar/"))).toHaveLength(1);
  });

  it("fails a path whose NAR cannot be read and its referrers, copies the rest, and leaves the cache consistent", async () => {
    const source = await SyntheticSource.of(GRAPH, "broken");
    source.broken.add(source.path("lib"));
    const { store } = await recordingStore();
    const summary = await copy({
      from: source,
      to: store,
      paths: [source.path("app1"), source.path("app2"), source.path("big")],
    });
    expect(summary.failed.map((failure) => failure.path).sort()).toEqual(
      [source.path("app1"), source.path("app2"), source.path("lib")].sort(),
    );
    expect(summary.failed.find((failure) => failure.path === source.path("lib"))!.error).toContain("disk error");
    expect(summary.failed.find((failure) => failure.path === source.path("app2"))!.code).toBe("REFERENCE_FAILED");
    expect(summary.copied.sort()).toEqual([source.path("base"), source.path("big")].sort());
    expect(await cacheProblems(store)).toEqual([]);
    source.broken.clear();
    const resumed = await copy({ from: source, to: store, paths: [source.path("app1"), source.path("app2")] });
    expect(resumed.failed).toEqual([]);
    expect(resumed.copied.sort()).toEqual([source.path("app1"), source.path("app2"), source.path("lib")].sort());
  });

  it("without recursion, refuses to publish a path whose reference the destination lacks", async () => {
    const source = await SyntheticSource.of(GRAPH, "flat");
    const { store } = await recordingStore();
    const summary = await copy({ from: source, to: store, paths: [source.path("app2")], recursive: false });
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.code).toBe("REFERENCE_MISSING");
    expect(await store.isValidPath(source.path("app2"))).toBe(false);
  });
});

describe("storeAdd", () => {
  it("adds a directory as a fixed:r:sha256 path and finds it there the second time", async () => {
    const dir = join(await tempDir(), "tree");
    await mkdir(join(dir, "sub"), { recursive: true });
    await writeFile(join(dir, "sub", "file"), "contents\n");
    const url = `file://${await tempDir()}?compression=xz`;
    const first = await storeAdd({ path: dir, to: url });
    expect(first.added).toBe(true);
    expect(first.storePath).toMatch(/^\/nix\/store\/[0-9a-z]{32}-tree$/);
    const store = await BinaryCacheStore.open(url, { requireSigs: false });
    const info = (await store.queryPathInfo(first.storePath))!;
    expect(info.ca).toMatchObject({ method: "recursive" });
    expect(info.narSize).toBe(first.narSize);
    const second = await storeAdd({ path: dir, to: url });
    expect(second).toMatchObject({ storePath: first.storePath, added: false });
    const renamed = await storeAdd({ path: dir, to: url, name: "other-name" });
    expect(renamed.storePath).toMatch(/-other-name$/);
    expect(renamed.narHash).toBe(first.narHash);
  });
});
