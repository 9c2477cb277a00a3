// The user's data as the corpus: the NARs of a local closure (real Nix store), NARs from a cache (written by real
// `nix copy`), sampled deterministically from its listing; every cache NAR is verified by narFromPath, so a
// tampered NAR or an untrusted narinfo fails the run; a cache that cannot be listed, or a path outside the store,
// is a typed error naming it. The corpus is streamed to disk up to its byte budget.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { openLocalStore } from "@narwhal/local-store";
import { dumpPath } from "@narwhal/nar";
import { deleteBucket, ensureBucket } from "@narwhal/s3";
import { BinaryCacheStore } from "@narwhal/store";
import { buildReferencingOutput, nixStoreDump, requireNix } from "@narwhal/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheCorpus, closureCorpus, type Corpus, sampleHashParts, writeCorpus } from "../src/index.js";

const rgwEndpoint = process.env["S3_ENDPOINT"] ?? "";
if (rgwEndpoint === "" && process.env["CI"])
  throw new Error("S3_ENDPOINT is not set but CI is: the S3 corpus test needs the Ceph RGW started by .ci/run");

const work = mkdtempSync(join(tmpdir(), "narwhal-codec-bench-corpus-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let fileNumber = 0;
const nextFile = () => join(work, `corpus-${fileNumber++}.bin`);

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe("writeCorpus", () => {
  it("concatenates items up to the budget and stops taking items there", async () => {
    const taken: string[] = [];
    const corpus: Corpus = {
      description: "test",
      async *items() {
        for (const name of ["a", "b", "c"]) {
          taken.push(name);
          yield { name, bytes: pieces(`${name}${name}${name}`, `${name}${name}${name}`) };
        }
      },
    };
    const file = nextFile();
    const written = await writeCorpus(corpus, file, 8);
    expect(readFileSync(file, "utf8")).toBe("aaaaaabb");
    expect(written).toEqual({ description: "test", bytes: 8, items: ["a", "b"] });
    expect(taken).toEqual(["a", "b"]);
  });

  it("reads an item that proves itself at its end to the end, so its check runs", async () => {
    let finished = false;
    const corpus: Corpus = {
      description: "verified",
      async *items() {
        yield {
          name: "nar",
          verifiedAtEnd: true,
          bytes: (async function* () {
            yield* pieces("0123456789", "abcdef");
            finished = true; // where narFromPath compares hashes
          })(),
        };
      },
    };
    await writeCorpus(corpus, nextFile(), 4);
    expect(finished).toBe(true);
  });

  it("fails on an empty corpus, naming it", async () => {
    const corpus: Corpus = { description: "nothing here", async *items() {} };
    await expect(writeCorpus(corpus, nextFile(), 100)).rejects.toMatchObject({
      code: "EMPTY_CORPUS",
      message: expect.stringContaining("nothing here"),
    });
  });
});

describe("sampleHashParts", () => {
  it("keeps the N smallest distinct hash parts in order, whatever the listing order", async () => {
    const listing = ["m", "c", "x", "a", "c", "q", "b", "z"];
    expect(await sampleHashParts(pieces2(listing), 3)).toEqual(["a", "b", "c"]);
    expect(await sampleHashParts(pieces2(listing), 100)).toEqual(["a", "b", "c", "m", "q", "x", "z"]);
  });
});

async function* pieces2(items: string[]): AsyncGenerator<string> {
  yield* items;
}

describe.runIf(requireNix())("corpora from real Nix", () => {
  let output: string;
  let dependency: string;
  let cacheDir: string;
  let server: Server;
  let httpUrl: string;
  beforeAll(async () => {
    ({ output, dependency } = buildReferencingOutput("codec-bench-corpus"));
    cacheDir = join(work, "cache");
    const copied = spawnSync(
      "nix",
      ["--extra-experimental-features", "nix-command", "copy", "--to", `file://${cacheDir}?compression=none`, output],
      { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: join(work, "xdg") } },
    );
    if (copied.status !== 0) throw new Error(`nix copy failed: ${copied.stderr}`);
    server = createServer((request, response) => {
      try {
        response.end(readFileSync(join(cacheDir, decodeURIComponent(new URL(request.url!, "http://x").pathname))));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    httpUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }, 120_000);
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("a closure is its NARs, references first, exactly as nix-store --dump writes them", async () => {
    const store = openLocalStore();
    try {
      const link = join(work, "result");
      symlinkSync(output, link);
      const corpus = await closureCorpus(store, link);
      expect(corpus.description).toBe(`closure of ${output} (2 paths)`);
      const file = nextFile();
      const written = await writeCorpus(corpus, file, 1e9);
      expect(written.items).toEqual([dependency, output]);
      expect(
        readFileSync(file).equals(Buffer.concat([await nixStoreDump(dependency), await nixStoreDump(output)])),
      ).toBe(true);
    } finally {
      store.close();
    }
  });

  it("a path outside the store is refused, naming it", async () => {
    const store = openLocalStore();
    try {
      await expect(closureCorpus(store, work)).rejects.toMatchObject({
        code: "CLOSURE_NOT_IN_STORE",
        input: work,
        message: expect.stringContaining("not inside the Nix store /nix/store"),
      });
    } finally {
      store.close();
    }
  });

  it("a cache sample is the paths with the smallest hash parts, verified and decompressed", async () => {
    const store = await BinaryCacheStore.open(`file://${cacheDir}`, { requireSigs: false, createCacheInfo: false });
    try {
      const byHash = [dependency, output].sort((a, b) => a.slice(11, 43).localeCompare(b.slice(11, 43)));
      const file = nextFile();
      const all = await writeCorpus(cacheCorpus(store, { sample: 10 }), file, 1e9);
      expect(all.items).toEqual(byHash);
      expect(readFileSync(file).equals(Buffer.concat(await Promise.all(byHash.map((p) => nixStoreDump(p)))))).toBe(
        true,
      );
      const one = await writeCorpus(cacheCorpus(store, { sample: 1 }), nextFile(), 1e9);
      expect(one.items).toEqual([byHash[0]]);
      const named = await writeCorpus(cacheCorpus(store, { paths: [output] }), nextFile(), 1e9);
      expect(named.items).toEqual([output]);
    } finally {
      await store.close();
    }
  });

  it("an unsigned cache is refused unless signatures are waived", async () => {
    const store = await BinaryCacheStore.open(`file://${cacheDir}`, { createCacheInfo: false });
    try {
      await expect(writeCorpus(cacheCorpus(store, { sample: 5 }), nextFile(), 1e9)).rejects.toMatchObject({
        code: "UNTRUSTED_SIGNATURES",
      });
    } finally {
      await store.close();
    }
  });

  it("a tampered NAR fails the run, even when the byte budget was reached before its end", async () => {
    const tampered = join(work, "tampered");
    spawnSync("cp", ["-r", cacheDir, tampered]);
    for (const name of readdirSync(join(tampered, "nar"))) {
      const file = join(tampered, "nar", name);
      const bytes = readFileSync(file);
      bytes[bytes.length - 20]! ^= 1;
      writeFileSync(file, bytes);
    }
    const store = await BinaryCacheStore.open(`file://${tampered}`, { requireSigs: false, createCacheInfo: false });
    try {
      const failure = await writeCorpus(cacheCorpus(store, { sample: 5 }), nextFile(), 16).then(
        () => undefined,
        (error: unknown) => error as { code?: string },
      );
      expect(failure?.code).toMatch(/HASH_MISMATCH$/);
    } finally {
      await store.close();
    }
  });

  it("an http cache cannot be listed: sampling says so and asks for store paths; named paths work", async () => {
    const store = await BinaryCacheStore.open(httpUrl, { requireSigs: false, createCacheInfo: false });
    try {
      await expect(writeCorpus(cacheCorpus(store, { sample: 5 }), nextFile(), 1e9)).rejects.toMatchObject({
        code: "CACHE_NOT_LISTABLE",
        message: expect.stringContaining("name the store paths to measure instead"),
      });
      const named = await writeCorpus(cacheCorpus(store, { paths: [output] }), nextFile(), 1e9);
      expect(named.items).toEqual([output]);
    } finally {
      await store.close();
    }
  });

  it.runIf(rgwEndpoint !== "")("an S3 bucket (real Ceph RGW) is sampled like any other cache", async () => {
    const url = `s3://narwhal-codec-bench-${randomBytes(4).toString("hex")}?endpoint=${encodeURIComponent(rgwEndpoint)}`;
    await ensureBucket(url);
    try {
      const writer = await BinaryCacheStore.open(`${url}&compression=zstd`);
      const local = openLocalStore();
      try {
        for (const path of [dependency, output]) {
          const info = local.queryPathInfo(path)!;
          await writer.addToStore({
            info: {
              storePath: info.storePath,
              narHash: info.narHash,
              narSize: info.narSize,
              references: info.references,
            },
            nar: dumpPath(path),
          });
        }
      } finally {
        local.close();
        await writer.close();
      }
      const store = await BinaryCacheStore.open(url, { requireSigs: false, createCacheInfo: false });
      try {
        const file = nextFile();
        const written = await writeCorpus(cacheCorpus(store, { sample: 10 }), file, 1e9);
        const byHash = [dependency, output].sort((a, b) => a.slice(11, 43).localeCompare(b.slice(11, 43)));
        expect(written.items).toEqual(byHash);
        expect(readFileSync(file).equals(Buffer.concat(await Promise.all(byHash.map((p) => nixStoreDump(p)))))).toBe(
          true,
        );
      } finally {
        await store.close();
      }
    } finally {
      await deleteBucket(url);
    }
  });
});
