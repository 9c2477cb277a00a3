// BinaryCacheStore over file:// caches in temp dirs: cache info, adding and reading paths, signatures, the
// write-order contract, verification of what is read, listings, debuginfo, logs and the local NAR cache.

import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile, unlink, readdir } from "node:fs/promises";
import { join } from "node:path";
import { formatNarListing, listNar } from "@narwhal/nar";
import { TrustedKeys } from "@narwhal/signing";
import { formatHash, narInfoFileFor } from "@narwhal/store-path";
import { FileBlobStore } from "@narwhal/blob-store";
import { BinaryCacheStore, StoreError, narObjectKey } from "../src/index.js";
import {
  chunksOf,
  collect,
  fakeStorePath,
  filesUnder,
  makeKey,
  narOfFiles,
  pathInfoFor,
  removeTempDirs,
  tempDir,
} from "./support/fixtures.js";

afterAll(removeTempDirs);

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

async function newCache(settings = "compression=zstd", label = "cache") {
  const dir = await tempDir(label);
  const key = await makeKey("test-cache-1");
  const store = await BinaryCacheStore.open(`file://${dir}?${settings}&secret-key=${key.secretFile}`, {
    trustedPublicKeys: key.trusted,
  });
  return { dir, key, store };
}

describe("nix-cache-info", () => {
  it("is written as only 'StoreDir: /nix/store' when absent", async () => {
    const { dir } = await newCache();
    expect(await readFile(join(dir, "nix-cache-info"), "utf8")).toBe("StoreDir: /nix/store\n");
  });

  it("refuses a cache for another store directory, naming both", async () => {
    const dir = await tempDir("otherdir");
    await writeFile(join(dir, "nix-cache-info"), "StoreDir: /other/store\nPriority: 30\n");
    const error = await storeError(BinaryCacheStore.open(`file://${dir}`));
    expect(error.code).toBe("STORE_DIR_MISMATCH");
    expect(error.message).toContain("/other/store");
    expect(error.message).toContain("/nix/store");
  });

  it("takes Priority and WantMassQuery from the cache unless the URL sets them", async () => {
    const dir = await tempDir("prio");
    await writeFile(join(dir, "nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n");
    const defaults = await (await BinaryCacheStore.open(`file://${dir}`)).info();
    expect(defaults).toMatchObject({ priority: 30, wantMassQuery: true, storeDir: "/nix/store" });
    const explicit = await (await BinaryCacheStore.open(`file://${dir}?priority=10&want-mass-query=false`)).info();
    expect(explicit).toMatchObject({ priority: 10, wantMassQuery: false });
    expect(await readFile(join(dir, "nix-cache-info"), "utf8")).toContain("Priority: 30");
  });

  it("does not write nix-cache-info when opened read-only", async () => {
    const dir = await tempDir("ro");
    await BinaryCacheStore.open(`file://${dir}`, { createCacheInfo: false });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("adding and reading paths", () => {
  it("round-trips a NAR with a signed narinfo written in Nix's field order", async () => {
    const { dir, store, key } = await newCache("compression=xz&write-nar-listing=true");
    const nar = await narOfFiles({ "bin/hello": "#!/bin/sh\necho hi\n", "share/doc": "docs" });
    const path = fakeStorePath("hello-1.0");
    const result = await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar, 7) });
    expect(result).toMatchObject({ added: true, narUploaded: true });
    const narKey = `nar/${formatHash(result.narInfo.narHash, "nix32", { prefix: false })}.nar.xz`;
    expect(result.narInfo.url).toBe(narKey);
    const text = await readFile(join(dir, narInfoFileFor(path)), "utf8");
    expect(text.split("\n").map((line) => line.split(":")[0])).toEqual([
      "StorePath",
      "URL",
      "Compression",
      "FileHash",
      "FileSize",
      "NarHash",
      "NarSize",
      "References",
      "Sig",
      "",
    ]);
    expect(text).toContain(`Sig: test-cache-1:`);
    expect(await filesUnder(dir)).toEqual(
      [`${path.hashPart}.ls`, `${path.hashPart}.narinfo`, narKey, "nix-cache-info"].sort(),
    );
    expect(await readFile(join(dir, `${path.hashPart}.ls`), "utf8")).toBe(
      formatNarListing(await listNar(chunksOf(nar))),
    );

    const reader = await BinaryCacheStore.open(`file://${dir}`, { trustedPublicKeys: key.trusted });
    const info = await reader.queryPathInfo(path.path);
    expect(info?.narHash.equals(result.narInfo.narHash)).toBe(true);
    expect((await collect(reader.narFromPath(path.path))).equals(nar)).toBe(true);
    expect((await collect(reader.readFile(path.path, "/bin/hello"))).toString()).toBe("#!/bin/sh\necho hi\n");
    expect(
      Object.keys(
        (await reader.getListing(path)).root.type === "directory"
          ? ((await reader.getListing(path)).root as { entries: object }).entries
          : {},
      ),
    ).toEqual(["bin", "share"]);
    const hashes: string[] = [];
    for await (const hashPart of reader.listNarInfos()) hashes.push(hashPart);
    expect(hashes).toEqual([path.hashPart]);
  });

  it("refuses a narinfo signed by an untrusted key, listing found and trusted key names", async () => {
    const { dir, store } = await newCache();
    const nar = await narOfFiles({ a: "a" });
    const path = fakeStorePath("untrusted");
    await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    const other = await makeKey("someone-else-1");
    const reader = await BinaryCacheStore.open(`file://${dir}`, { trustedPublicKeys: other.trusted });
    const error = await storeError(reader.queryPathInfo(path));
    expect(error.code).toBe("UNTRUSTED_SIGNATURES");
    expect(error.message).toContain("test-cache-1");
    expect(error.message).toContain("someone-else-1");
    expect(error.message).toContain(narInfoFileFor(path));
    const trusting = await BinaryCacheStore.open(`file://${dir}?trusted=true`);
    expect(await trusting.queryPathInfo(path)).toBeDefined();
    const optedOut = await BinaryCacheStore.open(`file://${dir}`, { requireSigs: false });
    expect(await optedOut.queryPathInfo(path)).toBeDefined();
  });

  it("refuses a path whose reference has no narinfo, writing nothing", async () => {
    const { dir, store } = await newCache();
    const dependency = fakeStorePath("dep");
    const nar = await narOfFiles({ a: "refers" });
    const path = fakeStorePath("needs-dep");
    const error = await storeError(
      store.addToStore({ info: pathInfoFor(path, nar, [dependency]), nar: chunksOf(nar) }),
    );
    expect(error.code).toBe("REFERENCE_MISSING");
    expect(error.message).toContain(`reference ${dependency.path} has no narinfo`);
    expect(await filesUnder(dir)).toEqual(["nix-cache-info"]);
    const depNar = await narOfFiles({ d: "dep" });
    await store.addToStore({ info: pathInfoFor(dependency, depNar), nar: chunksOf(depNar) });
    const added = await store.addToStore({ info: pathInfoFor(path, nar, [dependency, path]), nar: chunksOf(nar) });
    expect(added.narInfo.references.map((reference) => reference.path)).toEqual([dependency.path, path.path]);
  });

  it("in two phases, stores the NAR first and publishes the narinfo only once its reference has one", async () => {
    const { dir, store } = await newCache();
    const dependency = fakeStorePath("two-phase-dep");
    const nar = await narOfFiles({ a: "refers to dep" });
    const path = fakeStorePath("two-phase");
    const uploaded = await store.uploadNar({ info: pathInfoFor(path, nar, [dependency]), nar: chunksOf(nar) });
    expect(uploaded.narUploaded).toBe(true);
    expect((await filesUnder(dir)).filter((file) => file.endsWith(".narinfo"))).toEqual([]);
    expect(await new FileBlobStore(dir).exists(uploaded.narKey)).toBe(true);
    expect((await storeError(store.publishPathInfo(uploaded))).code).toBe("REFERENCE_MISSING");
    expect(await store.isValidPath(path)).toBe(false);
    const depNar = await narOfFiles({ d: "two-phase dep" });
    await store.publishPathInfo(
      await store.uploadNar({ info: pathInfoFor(dependency, depNar), nar: chunksOf(depNar) }),
    );
    const published = await store.publishPathInfo(uploaded);
    expect(published.narInfo.url).toBe(uploaded.narKey);
    expect((await store.queryPathInfo(path))?.references.map((reference) => reference.path)).toEqual([dependency.path]);
  });

  it("leaves no narinfo and no NAR when the NAR source throws midway", async () => {
    const { dir, store } = await newCache();
    const nar = await narOfFiles({ big: Buffer.alloc(300_000, 7) });
    const path = fakeStorePath("broken-source");
    async function* breaking(): AsyncGenerator<Buffer> {
      yield nar.subarray(0, 100_000);
      throw new Error("disk went away");
    }
    await expect(store.addToStore({ info: pathInfoFor(path, nar), nar: breaking() })).rejects.toThrow("disk went away");
    expect(await filesUnder(dir)).toEqual(["nix-cache-info"]);
    expect(await store.queryPathInfo(path)).toBeUndefined();
  });

  it.each([
    [
      "a different NarHash",
      (nar: Buffer) => ({ narHash: pathInfoFor(fakeStorePath("x"), Buffer.concat([nar, Buffer.from("x")])).narHash }),
      "NAR_HASH_MISMATCH",
    ],
    ["a smaller NarSize", (nar: Buffer) => ({ narSize: nar.length - 8 }), "NAR_SIZE_MISMATCH"],
    ["a larger NarSize", (nar: Buffer) => ({ narSize: nar.length + 8 }), "NAR_SIZE_MISMATCH"],
  ])("refuses a NAR that does not match %s, writing nothing", async (_label, claim, code) => {
    const { dir, store } = await newCache();
    const nar = await narOfFiles({ f: "content" });
    const path = fakeStorePath("mismatch");
    const error = await storeError(
      store.addToStore({ info: { ...pathInfoFor(path, nar), ...claim(nar) }, nar: chunksOf(nar) }),
    );
    expect(error.code).toBe(code);
    expect(error.message).toContain(path.path);
    expect(await filesUnder(dir)).toEqual(["nix-cache-info"]);
  });

  it("refuses bytes that are not a NAR, writing nothing", async () => {
    const { dir, store } = await newCache();
    const garbage = Buffer.from("this is not a NAR at all, just some bytes");
    const error = await storeError(
      store.addToStore({ info: pathInfoFor(fakeStorePath("garbage"), garbage), nar: chunksOf(garbage) }),
    );
    expect(error.code).toBe("NAR_CORRUPT");
    expect(await filesUnder(dir)).toEqual(["nix-cache-info"]);
  });

  it("deduplicates an existing NAR object and skips a path that already has a narinfo", async () => {
    const { dir, store } = await newCache("compression=none");
    const nar = await narOfFiles({ same: "bytes" });
    const first = fakeStorePath("first");
    const second = fakeStorePath("second");
    const a = await store.addToStore({ info: pathInfoFor(first, nar), nar: chunksOf(nar) });
    const b = await store.addToStore({ info: pathInfoFor(second, nar), nar: chunksOf(nar) });
    expect(b).toMatchObject({ added: true, narUploaded: false });
    expect(b.narInfo.url).toBe(a.narInfo.url);
    expect(b.narInfo.fileSize).toBe(nar.length);
    expect(b.narInfo.fileHash).toEqual(a.narInfo.fileHash); // the reused object was read and hashed
    const again = await store.addToStore({ info: pathInfoFor(first, nar), nar: chunksOf(nar) });
    expect(again.added).toBe(false);
    expect((await filesUnder(dir)).filter((file) => file.startsWith("nar/"))).toHaveLength(1);
  });

  it("parses a NAR only when it must: always from an untrusted producer, from our own serializer only for a listing", async () => {
    const notANar = Buffer.from("these bytes hash as claimed but are no NAR");
    const info = { ...pathInfoFor(fakeStorePath("producer-trust"), notANar) };
    const refused = await newCache("compression=none");
    expect((await storeError(refused.store.addToStore({ info, nar: chunksOf(notANar) }))).code).toBe("NAR_CORRUPT");
    const listed = await newCache("compression=none&write-nar-listing=true");
    expect(
      (await storeError(listed.store.addToStore({ info: { ...info, wellFormed: true }, nar: chunksOf(notANar) }))).code,
    ).toBe("NAR_CORRUPT");
    const trusted = await newCache("compression=none");
    const added = await trusted.store.addToStore({ info: { ...info, wellFormed: true }, nar: chunksOf(notANar) });
    expect(added.added).toBe(true); // the producer's word stands for the parse; only @narwhal/nar's serializer may give it
  });

  it("replaces a garbage object sitting at the NAR's key instead of publishing a narinfo for it", async () => {
    const { dir, store, key } = await newCache("compression=xz");
    const nar = await narOfFiles({ real: "contents" });
    const path = fakeStorePath("squatted");
    const info = pathInfoFor(path, nar);
    const narKey = narObjectKey(info.narHash, ".xz");
    await mkdir(join(dir, "nar"), { recursive: true });
    await writeFile(join(dir, narKey), "not an xz stream of this NAR");
    const added = await store.addToStore({ info, nar: chunksOf(nar) });
    expect(added.narUploaded).toBe(true);
    const reader = await BinaryCacheStore.open(`file://${dir}`, { trustedPublicKeys: key.trusted });
    expect((await collect(reader.narFromPath(path))).equals(nar)).toBe(true);
  });
});

describe("reading bad caches", () => {
  async function cacheWithPath(compression = "zstd") {
    const cache = await newCache(`compression=${compression}`);
    const nar = await narOfFiles({ file: Buffer.alloc(50_000, 3) });
    const path = fakeStorePath("victim");
    const { narInfo } = await cache.store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    const reader = await BinaryCacheStore.open(`file://${cache.dir}`, {
      trustedPublicKeys: cache.key.trusted,
      createCacheInfo: false,
    });
    return { ...cache, nar, path, narInfo, reader };
  }

  it("names the narinfo object when it is corrupt", async () => {
    const { dir, path, reader } = await cacheWithPath();
    await writeFile(join(dir, narInfoFileFor(path)), "StorePath: nonsense\n");
    const error = await storeError(reader.queryPathInfo(path));
    expect(error.code).toBe("NARINFO_CORRUPT");
    expect(error.message).toContain(narInfoFileFor(path));
    expect(error.key).toBe(narInfoFileFor(path));
  });

  it("names the NAR object when the narinfo's NAR is missing", async () => {
    const { dir, narInfo, path, reader } = await cacheWithPath();
    await unlink(join(dir, narInfo.url));
    const error = await storeError(collect(reader.narFromPath(path)));
    expect(error.code).toBe("NAR_MISSING");
    expect(error.message).toContain(narInfo.url);
  });

  it("fails when the NAR's bytes do not match NarHash, naming the object", async () => {
    const { dir, narInfo, path, reader } = await cacheWithPath("none");
    const file = join(dir, narInfo.url);
    const bytes = await readFile(file);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    await writeFile(file, bytes);
    const error = await storeError(collect(reader.narFromPath(path)));
    expect(["FILE_HASH_MISMATCH", "NAR_HASH_MISMATCH"]).toContain(error.code);
    expect(error.message).toContain(narInfo.url);
  });

  it("stops a NAR that decompresses beyond NarSize", async () => {
    const { dir, path, reader, narInfo } = await cacheWithPath();
    const file = join(dir, narInfoFileFor(path));
    const text = (await readFile(file, "utf8"))
      .replace(/^NarSize: .*$/m, "NarSize: 1000")
      .replace(/^FileSize: .*\n/m, "")
      .replace(/^FileHash: .*\n/m, "");
    await writeFile(file, text);
    const unsigned = await BinaryCacheStore.open(`file://${dir}`, { requireSigs: false });
    const error = await storeError(collect(unsigned.narFromPath(path)));
    expect(error.code).toBe("NAR_SIZE_MISMATCH");
    expect(error.message).toContain(narInfo.url);
    void reader;
  });

  it("keeps at most path-info-cache-size narinfos, evicting the least recently used", async () => {
    const { dir, store } = await newCache();
    const paths = ["lru-a", "lru-b", "lru-c"].map((name) => fakeStorePath(name));
    for (const path of paths) {
      const nar = await narOfFiles({ [path.name]: path.name });
      await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    }
    const reader = await BinaryCacheStore.open(`file://${dir}?path-info-cache-size=2`, { requireSigs: false });
    const [a, b, c] = paths as [(typeof paths)[0], (typeof paths)[0], (typeof paths)[0]];
    await reader.queryPathInfo(a);
    await reader.queryPathInfo(b);
    await reader.queryPathInfo(a); // a is now the most recently used
    await reader.queryPathInfo(c); // evicts b
    for (const path of paths) await unlink(join(dir, `${path.hashPart}.narinfo`));
    expect(await reader.queryPathInfo(a)).toBeDefined(); // still remembered
    expect(await reader.queryPathInfo(c)).toBeDefined();
    expect(await reader.queryPathInfo(b)).toBeUndefined(); // evicted: asked again, and gone
    await reader.close();
  });

  it("remembers misses in the path-info cache until asked to add", async () => {
    const { dir, store } = await newCache();
    const path = fakeStorePath("late");
    expect(await store.queryPathInfo(path)).toBeUndefined();
    const nar = await narOfFiles({ l: "late" });
    const other = new BinaryCacheStore(new FileBlobStore(dir), store.settings, { requireSigs: false });
    await other.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    expect(await store.queryPathInfo(path)).toBeUndefined();
    const uncached = await BinaryCacheStore.open(`file://${dir}?path-info-cache-size=0`, { requireSigs: false });
    expect(await uncached.queryPathInfo(path)).toBeDefined();
  });
});

describe("listings, debuginfo, logs and the local NAR cache", () => {
  it("writes debuginfo links for .build-id files", async () => {
    const { dir, store } = await newCache("compression=none&index-debug-info=true");
    const id = `ab${"c".repeat(38)}`;
    const nar = await narOfFiles({
      [`lib/debug/.build-id/ab/${"c".repeat(38)}.debug`]: "elf",
      "lib/debug/.build-id/zz/nope.debug": "x",
    });
    const { narInfo } = await store.addToStore({ info: pathInfoFor(fakeStorePath("dbg"), nar), nar: chunksOf(nar) });
    expect(JSON.parse(await readFile(join(dir, "debuginfo", `${id}.debug`), "utf8"))).toEqual({
      archive: `../${narInfo.url}`,
      member: `lib/debug/.build-id/ab/${"c".repeat(38)}.debug`,
    });
    expect(await readdir(join(dir, "debuginfo"))).toEqual([`${id}.debug`]); // Nix's key: build-id dir + file name
  });

  it("stores and reads build logs under log/<drv name>", async () => {
    const { dir, store } = await newCache();
    const drv = fakeStorePath("hello.drv");
    expect(await store.getBuildLog(drv)).toBeUndefined();
    expect(await store.addBuildLog(drv.path, "building...\ndone\n")).toBe(`log/${drv.baseName}`);
    expect((await store.getBuildLog(drv.path))?.toString()).toBe("building...\ndone\n");
    expect(await readFile(join(dir, "log", drv.baseName), "utf8")).toBe("building...\ndone\n");
  });

  it("keeps fetched NARs and bare listings in local-nar-cache and reads files from there", async () => {
    const { dir, store, key } = await newCache("compression=zstd");
    const nar = await narOfFiles({ "bin/tool": "tool bytes", "etc/conf": "conf" });
    const path = fakeStorePath("cached");
    const { narInfo } = await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    const localDir = await tempDir("local-nars");
    const reader = await BinaryCacheStore.open(`file://${dir}?local-nar-cache=${localDir}`, {
      trustedPublicKeys: key.trusted,
    });
    expect((await collect(reader.narFromPath(path))).equals(nar)).toBe(true);
    expect((await readFile(join(localDir, `${path.hashPart}.nar`))).equals(nar)).toBe(true);
    const bare = await readFile(join(localDir, `${path.hashPart}.ls`), "utf8");
    expect(JSON.parse(bare).type).toBe("directory"); // the bare root node, without the version wrapper
    await unlink(join(dir, narInfo.url));
    expect((await collect(reader.readFile(path, "etc/conf"))).toString()).toBe("conf");
    expect((await collect(reader.narFromPath(path))).equals(nar)).toBe(true);
  });

  it("computes the listing from the NAR when the cache has no .ls", async () => {
    const { store } = await newCache();
    const nar = await narOfFiles({ "x/y": "z" });
    const path = fakeStorePath("nolisting");
    await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar) });
    expect(await store.getListing(path)).toEqual(await listNar(chunksOf(nar)));
    const error = await storeError(collect(store.readFile(path, "x/missing")));
    expect(error.code).toBe("PATH_NOT_IN_CACHE");
  });
});

describe("signing with several keys", () => {
  it("signs with secret-key and every secret-keys file", async () => {
    const dir = await tempDir("multikey");
    const one = await makeKey("one-1");
    const two = await makeKey("two-1");
    const store = await BinaryCacheStore.open(
      `file://${dir}?secret-key=${one.secretFile}&secret-keys=${two.secretFile}`,
      { requireSigs: false },
    );
    const nar = await narOfFiles({ k: "k" });
    const { narInfo } = await store.addToStore({ info: pathInfoFor(fakeStorePath("signed"), nar), nar: chunksOf(nar) });
    expect(narInfo.sigs.map((sig) => sig.split(":")[0])).toEqual(["one-1", "two-1"]);
    const onlyTwo = await BinaryCacheStore.open(`file://${dir}`, {
      trustedPublicKeys: TrustedKeys.from(two.publicText),
    });
    expect(await onlyTwo.queryPathInfo(narInfo.storePath)).toBeDefined();
  });

  it("refuses an unreadable secret key file before writing anything", async () => {
    const dir = await tempDir("badkey");
    const store = await BinaryCacheStore.open(`file://${dir}?secret-key=${dir}/missing.key`);
    const nar = await narOfFiles({ k: "k" });
    const error = await storeError(
      store.addToStore({ info: pathInfoFor(fakeStorePath("nokey"), nar), nar: chunksOf(nar) }),
    );
    expect(error.code).toBe("SECRET_KEY");
    expect(error.message).toContain("missing.key");
    expect(await filesUnder(dir)).toEqual(["nix-cache-info"]);
  });
});

describe("narFromPath's reuseChunks", () => {
  /** Reads the NAR, copying each chunk; how many distinct buffers the chunks but the last (a copy of its own) used. */
  async function readCopying(reader: BinaryCacheStore, path: string, reuseChunks: boolean) {
    const memory: ArrayBufferLike[] = [];
    const copies: Buffer[] = [];
    for await (const chunk of reader.narFromPath(path, { reuseChunks })) {
      memory.push(chunk.buffer);
      copies.push(Buffer.from(chunk));
    }
    const full = memory.slice(0, -1);
    return { bytes: Buffer.concat(copies), full: full.length, distinct: new Set(full).size };
  }

  it("has the decoder reuse one buffer when asked, and not while a local NAR cache's listing queues chunks", async () => {
    const { dir, store, key } = await newCache("compression=zstd", "reuse");
    const nar = await narOfFiles({ "bin/node": readFileSync(process.execPath).subarray(0, 3_500_000) });
    const path = fakeStorePath("reuse-1.0");
    await store.addToStore({ info: pathInfoFor(path, nar), nar: chunksOf(nar, 1 << 20) });
    const reader = await BinaryCacheStore.open(`file://${dir}`, { trustedPublicKeys: key.trusted });

    const reused = await readCopying(reader, path.path, true);
    expect(reused.bytes.equals(nar)).toBe(true);
    expect(reused.full).toBeGreaterThanOrEqual(3);
    expect(reused.distinct).toBe(1);

    const fresh = await readCopying(reader, path.path, false);
    expect(fresh.bytes.equals(nar)).toBe(true);
    expect(fresh.distinct).toBe(fresh.full);

    const localDir = await tempDir("reuse-local");
    const cached = await BinaryCacheStore.open(`file://${dir}?local-nar-cache=${localDir}`, {
      trustedPublicKeys: key.trusted,
    });
    const listed = await readCopying(cached, path.path, true);
    expect(listed.bytes.equals(nar)).toBe(true);
    expect(listed.distinct).toBe(listed.full);
  });
});
