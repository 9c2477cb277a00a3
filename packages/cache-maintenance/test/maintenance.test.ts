// verify, sign and gc against caches real Nix wrote: verify flags each kind of damage (and exits clean on a healthy
// cache), sign adds signatures real Nix accepts, gc keeps every kept closure restorable by real Nix.

import { readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSecretKey, TrustedKeys } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { readFileSync } from "node:fs";
import { gcCache, parseDuration, signCache, verifyCache } from "../src/index.js";
import {
  buildClosure,
  hasNix,
  narOf,
  nix,
  nixCache,
  removeTempDirs,
  tempDir,
  type NixClosure,
} from "@narwhal/cache-fixtures";
import { copyCache, flipByte } from "@narwhal/cache-fixtures";

const open = (url: string, keys: string, requireSigs = true) =>
  BinaryCacheStore.open(url, { trustedPublicKeys: TrustedKeys.from(keys), requireSigs, createCacheInfo: false });

describe("durations", () => {
  it("parses units and sums, and names a bad duration", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(() => parseDuration("1 hour")).toThrow(/invalid duration "1 hour"/);
    expect(() => parseDuration("")).toThrow(/invalid duration/);
  });
});

describe.skipIf(!hasNix)("cache maintenance on caches real Nix wrote", () => {
  let closure: NixClosure;
  let pristine: string;

  beforeAll(() => {
    closure = buildClosure("maint");
    pristine = nixCache(closure, "zstd");
  });
  afterAll(removeTempDirs);

  it("finds nothing wrong with a healthy cache", async () => {
    const report = await verifyCache(await open(pristine, closure.publicKey));
    expect(report.problems).toEqual([]);
    expect(report.checked).toBe(closure.paths.length);
    expect(report.valid).toBe(closure.paths.length);
    expect(report.orphanNars).toEqual([]);
  });

  const damage: Array<[string, (cache: ReturnType<typeof copyCache>) => void, string[]]> = [
    [
      "a wrong NarHash",
      (c) => c.setField(closure.output, "NarHash", c.field(closure.tree, "NarHash")),
      ["UNTRUSTED_SIGNATURES"],
    ],
    [
      "a wrong FileHash",
      (c) => c.setField(closure.output, "FileHash", c.field(closure.tree, "FileHash")),
      ["FILE_HASH_MISMATCH"],
    ],
    ["a wrong FileSize", (c) => c.setField(closure.output, "FileSize", "3"), ["FILE_SIZE_MISMATCH"]],
    [
      "a removed reference",
      (c) =>
        c.setField(
          closure.output,
          "References",
          c
            .field(closure.output, "References")
            .split(" ")
            .filter((r) => !closure.dependency.endsWith(r))
            .join(" "),
        ),
      ["UNTRUSTED_SIGNATURES"],
    ],
    ["a flipped NAR byte", (c) => flipByte(c.narFile(closure.output)), ["FILE_HASH_MISMATCH", "NAR_CORRUPT"]],
    [
      "a swapped NAR",
      (c) => writeFileSync(c.narFile(closure.output), readFileSync(c.narFile(closure.dependency))),
      ["FILE_SIZE_MISMATCH", "NAR_SIZE_MISMATCH"],
    ],
    ["a corrupt narinfo", (c) => c.setField(closure.output, "NarSize", "0"), ["NARINFO_CORRUPT"]],
    ["a missing NAR", (c) => rmSync(c.narFile(closure.output)), ["NAR_MISSING"]],
    ["a missing reference narinfo", (c) => rmSync(c.narinfoFile(closure.dependency)), ["REFERENCE_MISSING"]],
  ];
  for (const [name, breakIt, codes] of damage) {
    it(`flags ${name}`, async () => {
      const cache = copyCache(pristine);
      breakIt(cache);
      const report = await verifyCache(await open(cache.url, closure.publicKey));
      expect(report.problems.length).toBeGreaterThan(0);
      expect(codes).toContain(report.problems[0]!.code);
      expect(report.problems[0]!.storePath ?? closure.output).toBe(closure.output);
    });
  }

  it("reports orphan NARs when checking everything", async () => {
    const cache = copyCache(pristine);
    writeFileSync(join(cache.dir, "nar", "0000000000000000000000000000000000000000000000000000.nar.zst"), "orphan");
    const report = await verifyCache(await open(cache.url, closure.publicKey));
    expect(report.problems).toEqual([]);
    expect(report.orphanNars.map((orphan) => orphan.key)).toEqual([
      "nar/0000000000000000000000000000000000000000000000000000.nar.zst",
    ]);
  });

  it("signs with a new key so real Nix accepts the paths trusting only that key", async () => {
    const cache = copyCache(pristine);
    const newKey = parseSecretKey(readFileSync(closure.otherSecretKeyFile, "utf8"));
    const report = await signCache(await open(cache.url, closure.publicKey), [newKey]);
    expect(report.signed.length).toBe(closure.paths.length);
    expect(report.problems).toEqual([]);
    const again = await signCache(await open(cache.url, closure.publicKey), [newKey]);
    expect(again.signed).toEqual([]);
    expect(again.alreadySigned.length).toBe(closure.paths.length);
    expect((await verifyCache(await open(cache.url, closure.otherPublicKey))).problems).toEqual([]);
    const root = tempDir("signed-root");
    nix("nix", [
      "copy",
      "--from",
      cache.url,
      "--to",
      `local?root=${root}`,
      "--option",
      "require-sigs",
      "true",
      "--option",
      "trusted-public-keys",
      closure.otherPublicKey,
      "--option",
      "substituters",
      "",
      closure.output,
    ]);
    expect(narOf(join(root, closure.output)).equals(narOf(closure.output))).toBe(true);
  });

  it("refuses to sign a narinfo whose signature is not trusted", async () => {
    const cache = copyCache(pristine);
    const newKey = parseSecretKey(readFileSync(closure.otherSecretKeyFile, "utf8"));
    const report = await signCache(await open(cache.url, closure.otherPublicKey), [newKey], {
      paths: [closure.output],
    });
    expect(report.signed).toEqual([]);
    expect(report.problems[0]!.message).toMatch(/not signing/);
  });

  function age(cache: ReturnType<typeof copyCache>, hours: number): void {
    const when = new Date(Date.now() - hours * 3_600_000);
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else utimesSync(full, when, when);
      }
    };
    walk(cache.dir);
  }

  it("gc keeps the closure of the kept path, deletes the rest, and real Nix restores what was kept", async () => {
    const cache = copyCache(pristine);
    age(cache, 2);
    const dry = await gcCache(await open(cache.url, closure.publicKey), { keep: [closure.output], dryRun: true });
    expect(dry.deleted.map((item) => item.kind).sort()).toEqual(
      ["listing", "nar", "narinfo"]
        .filter((kind) => kind !== "listing" || dry.deleted.some((item) => item.kind === "listing"))
        .sort(),
    );
    expect(dry.deleted.find((item) => item.kind === "narinfo")!.storePath).toBe(closure.tree);
    expect(dry.bytes).toBe(dry.deleted.reduce((sum, item) => sum + item.size, 0));
    expect((await verifyCache(await open(cache.url, closure.publicKey))).checked).toBe(3); // dry run deleted nothing
    const report = await gcCache(await open(cache.url, closure.publicKey), { keep: [closure.output], settleMs: 0 });
    expect(report.deleted.map((item) => item.key).sort()).toEqual(dry.deleted.map((item) => item.key).sort());
    const after = await verifyCache(await open(cache.url, closure.publicKey));
    expect(after.problems).toEqual([]);
    expect(after.orphanNars).toEqual([]);
    expect(after.checked).toBe(2);
    const root = tempDir("gc-root");
    nix("nix", [
      "copy",
      "--from",
      cache.url,
      "--to",
      `local?root=${root}`,
      "--option",
      "require-sigs",
      "true",
      "--option",
      "trusted-public-keys",
      closure.publicKey,
      "--option",
      "substituters",
      "",
      closure.output,
    ]);
    expect(narOf(join(root, closure.output)).equals(narOf(closure.output))).toBe(true);
    expect(narOf(join(root, closure.dependency)).equals(narOf(closure.dependency))).toBe(true);
  });

  it("gc never deletes objects younger than the grace period, nor what a young narinfo needs", async () => {
    const cache = copyCache(pristine);
    const young = await gcCache(await open(cache.url, closure.publicKey), { keep: [closure.tree] });
    expect(young.deleted).toEqual([]);
    age(cache, 2);
    const recent = await gcCache(await open(cache.url, closure.publicKey), {
      keep: [closure.tree],
      olderThanMs: parseDuration("3h"),
      dryRun: true,
    });
    expect(recent.deleted).toEqual([]);
    const old = await gcCache(await open(cache.url, closure.publicKey), {
      keep: [closure.tree],
      olderThanMs: parseDuration("1h"),
      dryRun: true,
    });
    expect(old.deleted.filter((item) => item.kind === "narinfo").map((item) => item.storePath)).toEqual([
      closure.output,
      closure.dependency,
    ]);
  });
});
