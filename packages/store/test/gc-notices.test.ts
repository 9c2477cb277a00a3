// The publish step against a garbage collector, on file:// caches: the reference check asks the cache (a narinfo
// remembered from a read may be gone), a missing-references error names all of them, a publish waits while a GC
// notice names what it leans on and then checks again (NAR_MISSING when its reused NAR went), unrelated notices
// do not hold it up, and a notice that is not what a GC writes (hostile or truncated) is taken to doom everything.

import { mkdir, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@narwhal/blob-store";
import {
  BinaryCacheStore,
  GC_NOTICE_PREFIX,
  MissingReferencesError,
  SMALL_OBJECT_LIMITS,
  StoreError,
} from "../src/index.js";
import { chunksOf, fakeStorePath, narOfFiles, pathInfoFor, removeTempDirs, tempDir } from "./support/fixtures.js";

afterAll(removeTempDirs);

/** A file:// transport that reports each listing of the GC notices, so a test knows a publish is waiting. */
class ObservedBlobStore extends FileBlobStore {
  noticeListings = 0;
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  override async *list(prefix?: string) {
    yield* super.list(prefix);
    if (prefix === GC_NOTICE_PREFIX) {
      this.noticeListings++;
      for (const waiter of this.#waiters) if (this.noticeListings >= waiter.count) waiter.resolve();
    }
  }

  listings(count: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.noticeListings >= count) resolve();
      else this.#waiters.push({ count, resolve });
    });
  }
}

async function cache(label: string) {
  const dir = await tempDir(label);
  const blobs = new ObservedBlobStore(dir);
  const settings = (await BinaryCacheStore.open(`file://${dir}?compression=zstd`, { requireSigs: false })).settings;
  const store = new BinaryCacheStore(blobs, settings, { requireSigs: false, url: `file://${dir}` });
  await store.init();
  // the references come from another writer: what this store wrote itself it trusts (README: --grace)
  const other = await BinaryCacheStore.open(`file://${dir}?compression=zstd`, { requireSigs: false });
  return { dir, blobs, store, other };
}

async function addPath(store: BinaryCacheStore, name: string, references: ReturnType<typeof fakeStorePath>[] = []) {
  const path = fakeStorePath(name);
  const nar = await narOfFiles({ f: `contents of ${name}` });
  await store.addToStore({ info: pathInfoFor(path, nar, references), nar: chunksOf(nar) });
  return path;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("publishing while a garbage collector runs", () => {
  it("checks references in the cache, not a narinfo remembered from a read, and names every missing one", async () => {
    const { dir, store } = await cache("fresh-check");
    const lib = await addPath(store, "lib");
    const base = await addPath(store, "base");
    const reader = await BinaryCacheStore.open(`file://${dir}`, { requireSigs: false });
    expect(await reader.queryPathInfo(lib)).toBeDefined(); // remembered by the reader
    expect(await reader.queryPathInfo(base)).toBeDefined();
    await unlink(join(dir, `${lib.hashPart}.narinfo`)); // a GC deleted them
    await unlink(join(dir, `${base.hashPart}.narinfo`));
    expect(await reader.isValidPath(lib)).toBe(true); // the remembered answer
    expect(await reader.isValidPath(lib, undefined, { fresh: true })).toBe(false);
    const app = fakeStorePath("app");
    const nar = await narOfFiles({ f: "app" });
    const uploaded = await reader.uploadNar({ info: pathInfoFor(app, nar, [lib, base, app]), nar: chunksOf(nar) });
    const error = await caught(reader.publishPathInfo(uploaded));
    expect(error).toBeInstanceOf(MissingReferencesError);
    expect((error as MissingReferencesError).references.map((path) => path.path).sort()).toEqual(
      [lib.path, base.path].sort(),
    );
    expect((error as Error).message).toContain("(and 1 more)");
    expect(await reader.isValidPath(app, undefined, { fresh: true })).toBe(false); // nothing was published
  });

  it("trusts from memory only the narinfos this store wrote itself, and then needs no notice listing", async () => {
    const { dir, blobs, store } = await cache("own-writes");
    const lib = await addPath(store, "own-lib");
    await unlink(join(dir, `${lib.hashPart}.narinfo`));
    expect(await store.isValidPath(lib, undefined, { fresh: true })).toBe(true); // written here, in this run
    await addPath(store, "own-app", [lib]);
    expect(blobs.noticeListings).toBe(0);
  });

  it("waits while a notice names a reference, then finds it gone and says so", async () => {
    const { dir, blobs, store, other } = await cache("wait");
    const lib = await addPath(other, "wait-lib");
    const app = fakeStorePath("wait-app");
    const nar = await narOfFiles({ f: "wait app" });
    const uploaded = await store.uploadNar({ info: pathInfoFor(app, nar, [lib]), nar: chunksOf(nar) });
    const notice = await store.announceGc({ narInfos: [lib.hashPart], objects: [] });
    const before = blobs.noticeListings;
    const publishing = caught(store.publishPathInfo(uploaded));
    await blobs.listings(before + 2); // listed, found the notice, listed again: waiting
    expect(await new FileBlobStore(dir).exists(`${app.hashPart}.narinfo`)).toBe(false);
    await unlink(join(dir, `${lib.hashPart}.narinfo`)); // the run sweeps lib ...
    await store.withdrawGcNotice(notice); // ... and ends
    const error = await publishing;
    expect(error).toBeInstanceOf(MissingReferencesError);
    expect((error as MissingReferencesError).references.map((path) => path.path)).toEqual([lib.path]);
  });

  it("after waiting, checks that a NAR it found already stored is still there", async () => {
    const { dir, store } = await cache("nar-gone");
    const nar = await narOfFiles({ f: "shared nar" });
    const first = fakeStorePath("nar-first");
    await store.addToStore({ info: pathInfoFor(first, nar), nar: chunksOf(nar) });
    const second = fakeStorePath("nar-second");
    const uploaded = await store.uploadNar({ info: pathInfoFor(second, nar), nar: chunksOf(nar) });
    expect(uploaded.narUploaded).toBe(false); // reused the stored object
    await unlink(join(dir, uploaded.narKey)); // a GC deleted it after the upload found it
    const error = await caught(store.publishPathInfo(uploaded));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("NAR_MISSING");
    expect((error as StoreError).key).toBe(uploaded.narKey);
  });

  it("is not held up by a notice that names nothing it needs", async () => {
    const { dir, store, other } = await cache("unrelated");
    const doomed = await addPath(other, "unrelated-other");
    const notice = await store.announceGc({ narInfos: [doomed.hashPart], objects: ["nar/unrelated.nar.zst"] });
    const lib = await addPath(other, "unrelated-lib");
    await addPath(store, "unrelated-app", [lib]);
    expect(await new FileBlobStore(dir).exists(`${fakeStorePath("unrelated-app").hashPart}.narinfo`)).toBe(true);
    await store.withdrawGcNotice(notice);
  });

  it.each([
    ["not JSON", "{ this is not json"],
    ["a list of numbers", JSON.stringify({ narInfos: [1, 2], objects: [] })],
    ["missing its lists", JSON.stringify({ startedAt: "\u001b[2Jnow" })],
  ])("takes a notice that is %s to doom everything, until it is gone", async (_name, body) => {
    const { dir, blobs, store, other } = await cache("hostile");
    const lib = await addPath(other, "hostile-lib");
    await mkdir(join(dir, "narwhal-gc"), { recursive: true });
    await writeFile(join(dir, "narwhal-gc", "1-evil.json"), body);
    const before = blobs.noticeListings;
    const publishing = addPath(store, "hostile-app", [lib]);
    await blobs.listings(before + 2);
    expect(await new FileBlobStore(dir).exists(`${fakeStorePath("hostile-app").hashPart}.narinfo`)).toBe(false);
    await unlink(join(dir, "narwhal-gc", "1-evil.json"));
    await publishing;
    expect(await new FileBlobStore(dir).exists(`${fakeStorePath("hostile-app").hashPart}.narinfo`)).toBe(true);
  });

  it("reads at most the gc-notice limit of a 4 GiB notice, and takes it to doom everything", async () => {
    const { dir, blobs, store, other } = await cache("hostile");
    const lib = await addPath(other, "hostile-lib");
    await mkdir(join(dir, "narwhal-gc"), { recursive: true });
    const bomb = join(dir, "narwhal-gc", "1-bomb.json");
    await writeFile(bomb, "");
    await truncate(bomb, 4 * 1024 ** 3); // sparse: 4 GiB of zero bytes the reader must not hold
    const rssBefore = process.memoryUsage().rss;
    const before = blobs.noticeListings;
    const publishing = addPath(store, "hostile-app", [lib]);
    await blobs.listings(before + 2);
    expect(await new FileBlobStore(dir).exists(`${fakeStorePath("hostile-app").hashPart}.narinfo`)).toBe(false);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(SMALL_OBJECT_LIMITS["gc-notice"] * 4);
    await unlink(bomb);
    await publishing;
    expect(await new FileBlobStore(dir).exists(`${fakeStorePath("hostile-app").hashPart}.narinfo`)).toBe(true);
  });
});
