// Decompression bombs against the built CLI, run as a user would under GNU time: every hostile cache written here
// by hand (NAR bombs in every codec, an over-long `none` NAR, Content-Encoding narinfo bombs, an endless chunked
// narinfo) is refused naming the object and the rule, leaves nothing behind, and the narwhal process stays under
// 250 MiB peak RSS; a legitimate large zstd NAR is fetched within the same bound.

import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { narExtension } from "@narwhal/codecs";
import type { StorePath } from "@narwhal/store-path";
import {
  anyNarHash,
  cycledFileBytes,
  endlessNarInfo,
  GiB,
  hostilePath,
  makeFileCache,
  MiB,
  narKeyFor,
  narPrefixOfDirectoryWithFile,
  narSuffixOfDirectoryWithFile,
  narwhalMeasured,
  realFiles,
  removeTree,
  serveHostile,
  writeNarInfoFile,
  writeZeroBomb,
  writeZstdNarObject,
  type HostileServer,
  type MeasuredRun,
} from "./hostile-cache-kit.js";

const RSS_BOUND_MIB = 250;
const BOMB_ZEROS = 256 * MiB; // every bomb expands to at least this much
const NAR_SIZE_CLAIM = MiB; // what the hostile narinfos claim
const NARINFO_LIMIT = 8 * MiB; // SMALL_OBJECT_LIMITS.narinfo in packages/store/src/cache-layout.ts
const NAR_CODECS = ["xz", "bzip2", "gzip", "zstd", "br"] as const;
const ENCODINGS = ["bzip2", "zstd", "gzip", "br", "xz"] as const;
const HUGE = process.env["NARWHAL_TEST_HUGE"] === "1";
const LEGIT_NAR_FILE_BYTES = HUGE ? 4 * GiB : GiB;

let scratch: string;
let cacheDir: string;
let cacheUrl: string;
/** Compressed size of each NAR bomb and of each narinfo Content-Encoding bomb, for the report. */
const bombSizes: Record<string, number> = {};
const narinfoBombs: Record<string, Buffer> = {};
const narBombKeys: Record<string, string> = {};
const rss: Record<string, number> = {};

/** The store path whose narinfo is a Content-Encoding bomb (the decoded text starts like a narinfo). */
const encodedPath = hostilePath("encoded-narinfo");

function record(name: string, run: MeasuredRun): MeasuredRun {
  rss[name] = run.peakRssMiB;
  return run;
}

function expectRefused(run: MeasuredRun, mentions: readonly string[]): void {
  expect(run.status, run.stderr).not.toBe(0);
  for (const text of mentions) expect(run.stderr).toContain(text);
  expect(run.peakRssMiB, `peak RSS ${run.peakRssMiB} MiB; stderr: ${run.stderr}`).toBeLessThanOrEqual(RSS_BOUND_MIB);
}

/** A fresh empty directory whose `out` is the fetch target; after the run it must still be empty (no temp dir either). */
async function fetchTarget(name: string): Promise<{ parent: string; out: string }> {
  const parent = join(scratch, `target-${name}`);
  await mkdir(parent);
  return { parent, out: join(parent, "out") };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "narwhal-hostile-bombs-"));
  cacheDir = join(scratch, "cache");
  cacheUrl = await makeFileCache(cacheDir);
  // NAR bombs: a valid NAR prefix (a root directory holding one regular file that claims to be 2 GiB) then zeros,
  // streamed from /dev/zero through the native CLI; zstd's expands to 1 GiB (shared with `store cat`).
  // Narinfo bombs: "StorePath: …\n" then 256 MiB of zeros. Made two at a time (2 cores).
  const jobs: Array<() => Promise<void>> = [];
  for (const codec of NAR_CODECS) {
    jobs.push(async () => {
      const key = narKeyFor(anyNarHash(`bomb ${codec}`), narExtension(codec));
      const zeros = codec === "zstd" ? GiB : BOMB_ZEROS;
      const bytes = await writeZeroBomb(
        codec,
        join(cacheDir, key),
        narPrefixOfDirectoryWithFile("file", 2 * GiB),
        zeros,
      );
      narBombKeys[codec] = key;
      bombSizes[`nar ${codec}`] = bytes.length;
    });
  }
  for (const encoding of ENCODINGS) {
    jobs.push(async () => {
      const bytes = await writeZeroBomb(
        encoding,
        join(scratch, `narinfo-bomb.${encoding}`),
        Buffer.from(`StorePath: ${encodedPath.path}\n`),
        BOMB_ZEROS,
      );
      narinfoBombs[encoding] = bytes;
      bombSizes[`narinfo ${encoding}`] = bytes.length;
    });
  }
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) await job();
  };
  await Promise.all([next(), next()]);
}, 120_000);

afterAll(async () => {
  console.log(`hostile-bombs: peak RSS (MiB) ${JSON.stringify(rss)}; bomb sizes (bytes) ${JSON.stringify(bombSizes)}`);
  if (scratch !== undefined) await removeTree(scratch);
});

describe("NAR bombs: narwhal fetch refuses a NAR that decodes past NarSize, in bounded memory, leaving nothing", () => {
  const variants: Array<{ name: string; codec: (typeof NAR_CODECS)[number]; compressionLine: string | undefined }> = [
    ...NAR_CODECS.map((codec) => ({ name: codec, codec, compressionLine: codec as string | undefined })),
    { name: "bzip2 (no Compression: line, Nix's default)", codec: "bzip2", compressionLine: undefined },
  ];
  for (const { name, codec, compressionLine } of variants) {
    it(`${name}: a few KB that expand to >= 256 MiB under NarSize 1 MiB`, async () => {
      const path = hostilePath(`nar-bomb-${compressionLine ?? "default"}`);
      const key = narBombKeys[codec]!;
      await writeNarInfoFile(cacheDir, {
        storePath: path,
        url: key,
        compression: compressionLine,
        narHash: anyNarHash(`bomb ${codec}`),
        narSize: NAR_SIZE_CLAIM,
      });
      const target = await fetchTarget(`nar-${compressionLine ?? "default"}`);
      const run = record(
        `fetch ${name}`,
        await narwhalMeasured(
          ["fetch", "--from", cacheUrl, "--no-require-sigs", path.path, "--out", target.out],
          scratch,
        ),
      );
      expectRefused(run, [key, "NarSize"]);
      expect(run.stdoutBytes).toBe(0);
      expect(await readdir(target.parent)).toEqual([]);
    });
  }
});

describe("narwhal store cat of a zstd bomb", () => {
  it("refuses a 1 GiB-of-zeros zstd NAR under NarSize 1 MiB and prints nothing", async () => {
    const path = hostilePath("store-cat-zstd-bomb");
    const key = narBombKeys["zstd"]!;
    await writeNarInfoFile(cacheDir, {
      storePath: path,
      url: key,
      compression: "zstd",
      narHash: anyNarHash("bomb zstd"),
      narSize: NAR_SIZE_CLAIM,
    });
    const run = record(
      "store cat zstd",
      await narwhalMeasured(["store", "cat", "--store", cacheUrl, "--no-require-sigs", `${path.path}/file`], scratch),
    );
    expectRefused(run, [key, "NarSize"]);
    expect(run.stdoutBytes).toBe(0);
  });
});

describe("an uncompressed NAR longer than NarSize", () => {
  it("is refused by NarSize", async () => {
    const path = hostilePath("none-too-long");
    const narHash = anyNarHash("none too long");
    const key = narKeyFor(narHash, narExtension("none"));
    // a complete, valid NAR of a 256 MiB file, far longer than the claimed NarSize of 1 MiB
    await writeZeroBomb(
      "none",
      join(cacheDir, key),
      narPrefixOfDirectoryWithFile("file", BOMB_ZEROS),
      BOMB_ZEROS,
      narSuffixOfDirectoryWithFile("file", BOMB_ZEROS),
    );
    expect((await stat(join(cacheDir, key))).size).toBeGreaterThan(BOMB_ZEROS);
    await writeNarInfoFile(cacheDir, {
      storePath: path,
      url: key,
      compression: "none",
      narHash,
      narSize: NAR_SIZE_CLAIM,
    });
    const target = await fetchTarget("none-too-long");
    const run = record(
      "fetch none",
      await narwhalMeasured(
        ["fetch", "--from", cacheUrl, "--no-require-sigs", path.path, "--out", target.out],
        scratch,
      ),
    );
    expectRefused(run, [key, "NarSize"]);
    expect(run.stdoutBytes).toBe(0);
    expect(await readdir(target.parent)).toEqual([]);
    await rm(join(cacheDir, key));
  });
});

describe("narinfo bombs over http", () => {
  let server: HostileServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  for (const encoding of ENCODINGS) {
    it(`path-info refuses a narinfo served with Content-Encoding: ${encoding} that decodes to >= 256 MiB`, async () => {
      await server?.close();
      server = await serveHostile({
        [`${encodedPath.hashPart}.narinfo`]: {
          headers: { "content-type": "text/x-nix-narinfo", "content-encoding": encoding },
          body: narinfoBombs[encoding]!,
        },
      });
      const run = record(
        `path-info Content-Encoding ${encoding}`,
        await narwhalMeasured(["path-info", "--store", server.url, "--no-require-sigs", encodedPath.path], scratch),
      );
      expectRefused(run, [`${encodedPath.hashPart}.narinfo`, `larger than ${NARINFO_LIMIT} bytes`]);
      expect(run.stdoutBytes).toBe(0);
    });
  }

  const endless = hostilePath("endless-narinfo");
  const ENDLESS_BYTES = 200_000_000;
  const commands: Array<{ name: string; args: (url: string) => string[] }> = [
    { name: "path-info", args: (url) => ["path-info", "--store", url, "--no-require-sigs", endless.path] },
    { name: "store verify", args: (url) => ["store", "verify", "--store", url, "--no-require-sigs", endless.path] },
  ];
  for (const command of commands) {
    it(`${command.name} refuses a 200 MB narinfo streamed chunked, without reading it all`, async () => {
      await server?.close();
      server = await serveHostile({
        [`${endless.hashPart}.narinfo`]: {
          headers: { "content-type": "text/x-nix-narinfo" },
          body: endlessNarInfo(endless, ENDLESS_BYTES),
        },
      });
      const run = record(`${command.name} chunked 200 MB`, await narwhalMeasured(command.args(server.url), scratch));
      expect(run.status, run.stderr).not.toBe(0);
      // path-info reports on stderr; store verify prints its report ("damaged: KEY: MESSAGE") on stdout
      const said = command.name === "store verify" ? `${run.stdout.toString()}${run.stderr}` : run.stderr;
      expect(said).toContain(`${endless.hashPart}.narinfo`);
      expect(said).toContain(`larger than ${NARINFO_LIMIT} bytes`);
      if (command.name === "path-info") expect(run.stdoutBytes).toBe(0);
      expect(run.peakRssMiB, `peak RSS ${run.peakRssMiB} MiB`).toBeLessThanOrEqual(RSS_BOUND_MIB);
      await server.close();
      // the client went away long before the end: at most the limit plus what sat in socket buffers was sent
      expect(server.streamed.length).toBeGreaterThan(0);
      for (const sent of server.streamed) expect(sent).toBeLessThan(ENDLESS_BYTES / 2);
      bombSizes[`${command.name}: chunked narinfo bytes sent before the client left`] = Math.max(...server.streamed);
      server = undefined;
    });
  }
});

describe("a legitimate large zstd NAR", () => {
  it(`is fetched within the bound (${LEGIT_NAR_FILE_BYTES / GiB} GiB of real files' bytes${HUGE ? "" : "; NARWHAL_TEST_HUGE=1 for 4 GiB"})`, async () => {
    const files = await realFiles(["/usr/bin", "/usr/lib/x86_64-linux-gnu"]);
    expect(files.length).toBeGreaterThan(10);
    const bigDir = join(scratch, "big");
    const bigCache = join(bigDir, "cache");
    const bigUrl = await makeFileCache(bigCache);
    const path: StorePath = hostilePath("large-legit-nar");
    const half = LEGIT_NAR_FILE_BYTES / 2;
    const writeStarted = Date.now();
    const written = await writeZstdNarObject(
      bigCache,
      [
        { type: "directory", segments: [] },
        {
          type: "file",
          segments: [Buffer.from("first")],
          executable: false,
          size: half,
          contents: cycledFileBytes(files, half),
        },
        {
          type: "file",
          segments: [Buffer.from("second")],
          executable: true,
          size: half,
          contents: cycledFileBytes([...files].reverse(), half),
        },
      ],
      ["-T2", "-3", "-q"],
    );
    expect(written.narSize).toBeGreaterThan(LEGIT_NAR_FILE_BYTES);
    await writeNarInfoFile(bigCache, {
      storePath: path,
      url: written.key,
      compression: "zstd",
      narHash: written.narHash,
      narSize: written.narSize,
      fileHash: written.fileHash,
      fileSize: written.fileSize,
    });
    bombSizes[`legit zstd NAR (NAR ${written.narSize})`] = written.fileSize;
    const fetchStarted = Date.now();
    const target = await fetchTarget("large-legit");
    try {
      const run = record(
        `fetch legit ${LEGIT_NAR_FILE_BYTES / GiB} GiB zstd`,
        await narwhalMeasured(
          ["fetch", "--from", bigUrl, "--no-require-sigs", path.path, "--out", target.out],
          scratch,
        ),
      );
      console.log(
        `legit NAR: written in ${(fetchStarted - writeStarted) / 1000} s, fetched in ${(Date.now() - fetchStarted) / 1000} s`,
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdoutBytes).toBe(0);
      expect((await stat(join(target.out, "first"))).size).toBe(half);
      expect((await stat(join(target.out, "second"))).size).toBe(half);
      expect(await readdir(target.parent)).toEqual(["out"]);
      expect(run.peakRssMiB, `peak RSS ${run.peakRssMiB} MiB`).toBeLessThanOrEqual(RSS_BOUND_MIB);
    } finally {
      await removeTree(bigDir);
      await removeTree(target.parent);
    }
  }, 300_000);
});
