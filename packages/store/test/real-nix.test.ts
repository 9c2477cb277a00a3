// Interop with real Nix 2.8: paths we add (signed with a key Nix generated) are restored byte-identical by
// `nix copy --from` with only our key trusted, from file:// and from the RGW bucket served over HTTP; and caches
// real Nix writes with each compression are read and verified by us.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpPath } from "@narwhal/nar";
import { TrustedKeys } from "@narwhal/signing";
import { HttpBlobStore } from "@narwhal/blob-store";
import { BinaryCacheStore } from "../src/index.js";
import { collect, removeTempDirs, tempDir } from "./support/fixtures.js";
import { buildReferencingOutput } from "@narwhal/test-kit";
import { generateNixKeyPair, hasNix, nixOutput, nixPathInfo, nixStoreDump } from "./support/real-nix.js";
import { createBucket, freshBucket, hasRgw, removeBucket, rgwHttpUrl, rgwUrl } from "./support/rgw.js";

describe.skipIf(!hasNix)("real Nix reads what we write", () => {
  let paths: string[];
  let secretPath: string;
  let publicKey: string;
  const buckets: string[] = [];

  beforeAll(async () => {
    const work = await tempDir("nix-work");
    const built = buildReferencingOutput("store-interop").output;
    const tree = join(work, "tree");
    const { mkdirSync, symlinkSync } = await import("node:fs");
    mkdirSync(join(tree, "bin"), { recursive: true });
    writeFileSync(join(tree, "bin", "run"), `#!/bin/sh\necho ${process.pid}\n`, { mode: 0o755 });
    writeFileSync(join(tree, "data"), Buffer.alloc(200_000, 9));
    symlinkSync("bin/run", join(tree, "link"));
    const added = nixOutput("nix-store", ["--add", tree]);
    // the closure, dependencies first: the toFile path, the built output (refers to it and itself), the added tree
    const dependency = nixPathInfo([built])[0]!
      .references.map((reference) => reference.path)
      .filter((path) => path !== built);
    paths = [...dependency, built, added];
    ({ secretPath, publicPath: publicKey } = generateNixKeyPair("narwhal-interop-1", await tempDir("nix-key")));
    publicKey = readFileSync(publicKey, "utf8");
  });

  afterAll(async () => {
    for (const bucket of buckets.splice(0)) await removeBucket(bucket);
    await removeTempDirs();
  });

  async function addAll(store: BinaryCacheStore): Promise<void> {
    // nix path-info lists paths sorted by name; add them in `paths` order (references first)
    for (const info of nixPathInfo(paths).sort(
      (a, b) => paths.indexOf(a.storePath.path) - paths.indexOf(b.storePath.path),
    )) {
      const result = await store.addToStore({ info, nar: dumpPath(info.storePath.path) });
      expect(result.added).toBe(true);
    }
  }

  async function nixCopyBack(fromUrl: string): Promise<void> {
    const root = await tempDir("nix-root");
    nixOutput("nix", [
      "copy",
      "--from",
      fromUrl,
      "--to",
      `local?root=${root}`,
      "--option",
      "require-sigs",
      "true",
      "--option",
      "trusted-public-keys",
      publicKey,
      "--option",
      "substituters",
      "",
      ...paths,
    ]);
    for (const path of paths) expect(nixStoreDump(join(root, path)).equals(nixStoreDump(path))).toBe(true);
  }

  it.each([["xz"], ["zstd"], ["none"]])(
    "restores byte-identical paths from a file:// cache (compression=%s)",
    async (compression) => {
      const dir = await tempDir("nix-reads-file");
      const store = await BinaryCacheStore.open(
        `file://${dir}?compression=${compression}&write-nar-listing=true&secret-key=${secretPath}`,
        {
          trustedPublicKeys: TrustedKeys.from(publicKey),
        },
      );
      await addAll(store);
      await nixCopyBack(`file://${dir}`);
    },
  );

  it("refuses our cache when our key is not the trusted one", async () => {
    const dir = await tempDir("nix-refuses");
    const store = await BinaryCacheStore.open(`file://${dir}?compression=zstd&secret-key=${secretPath}`);
    await addAll(store);
    const other = readFileSync(generateNixKeyPair("other-1", await tempDir("other-key")).publicPath, "utf8");
    const root = await tempDir("nix-root-refused");
    const built = paths[paths.length - 2]!;
    expect(() =>
      nixOutput("nix", [
        "copy",
        "--from",
        `file://${dir}`,
        "--to",
        `local?root=${root}`,
        "--option",
        "require-sigs",
        "true",
        "--option",
        "trusted-public-keys",
        other,
        "--option",
        "substituters",
        "",
        built,
      ]),
    ).toThrow(/signature/i);
  });

  it.skipIf(!hasRgw)("restores byte-identical paths from an RGW bucket served over HTTP", async () => {
    const bucket = freshBucket("nixread");
    buckets.push(bucket);
    await createBucket(bucket, true);
    const store = await BinaryCacheStore.open(
      rgwUrl(bucket, "compression=zstd", "multipart-upload=true", `secret-key=${secretPath}`),
    );
    await addAll(store);
    await nixCopyBack(rgwHttpUrl(bucket));
    // and we read it back over plain HTTP too
    const reader = new BinaryCacheStore(new HttpBlobStore(rgwHttpUrl(bucket)), store.settings, {
      trustedPublicKeys: TrustedKeys.from(publicKey),
    });
    const built = paths[paths.length - 2]!;
    expect((await collect(reader.narFromPath(built))).equals(nixStoreDump(built))).toBe(true);
  });
});

describe.skipIf(!hasNix)("we read what real Nix writes", () => {
  let paths: string[];
  let key: { secretPath: string; publicPath: string };

  beforeAll(async () => {
    const work = await tempDir("nix-writes");
    const built = buildReferencingOutput("store-interop").output;
    writeFileSync(join(work, "payload"), `payload ${process.pid}\n`.repeat(1000));
    paths = [built, nixOutput("nix-store", ["--add", join(work, "payload")])];
    key = generateNixKeyPair("nix-written-1", await tempDir("nix-key"));
  });

  afterAll(removeTempDirs);

  it.each([["xz"], ["zstd"], ["bzip2"], ["none"]])(
    "verifies and streams NARs of a cache Nix wrote with compression=%s",
    async (compression) => {
      const dir = await tempDir(`nix-cache-${compression}`);
      nixOutput("nix", [
        "copy",
        "--to",
        `file://${dir}?compression=${compression}&write-nar-listing=true&secret-key=${key.secretPath}`,
        ...paths,
      ]);
      const store = await BinaryCacheStore.open(`file://${dir}`, {
        trustedPublicKeys: TrustedKeys.from(readFileSync(key.publicPath, "utf8")),
        createCacheInfo: false,
      });
      for (const path of paths) {
        const info = await store.queryPathInfo(path);
        expect(info?.compression).toBe(compression);
        expect(info?.fileHash).toBeDefined();
        expect((await collect(store.narFromPath(path))).equals(nixStoreDump(path))).toBe(true);
        expect((await store.getListing(path)).root.type).toBe("regular");
      }
      const untrusting = await BinaryCacheStore.open(`file://${dir}`, { createCacheInfo: false });
      await expect(untrusting.queryPathInfo(paths[0]!)).rejects.toMatchObject({ code: "UNTRUSTED_SIGNATURES" });
    },
  );

  it("names debuginfo links as real Nix does (index-debug-info)", async () => {
    const work = await tempDir("nix-debuginfo");
    const buildIdDir = join(work, "tree", "lib", "debug", ".build-id", "ab");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(buildIdDir, { recursive: true });
    writeFileSync(join(buildIdDir, `${"c".repeat(38)}.debug`), `debug info ${process.pid}\n`);
    const added = nixOutput("nix-store", ["--add", join(work, "tree")]);
    const nixDir = await tempDir("nix-debuginfo-cache");
    nixOutput("nix", ["copy", "--to", `file://${nixDir}?index-debug-info=true&compression=none`, added]);
    const ours = await tempDir("our-debuginfo-cache");
    const store = await BinaryCacheStore.open(`file://${ours}?index-debug-info=true&compression=none`, {
      requireSigs: false,
    });
    const [info] = nixPathInfo([added]);
    await store.addToStore({ info: info!, nar: dumpPath(added) });
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(join(ours, "debuginfo"))).toEqual(readdirSync(join(nixDir, "debuginfo")));
    expect(JSON.parse(readFileSync(join(ours, "debuginfo", readdirSync(join(ours, "debuginfo"))[0]!), "utf8"))).toEqual(
      JSON.parse(readFileSync(join(nixDir, "debuginfo", readdirSync(join(nixDir, "debuginfo"))[0]!), "utf8")),
    );
    await store.close();
  });
});
