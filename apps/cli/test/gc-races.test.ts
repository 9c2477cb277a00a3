// `store gc` racing pushes into one Ceph RGW bucket, each interleaving driven step by step (a gated transport
// under the in-process side, the GC's whileSettling hook), never by sleeps: every push succeeds, every narinfo's
// closure is complete (real Nix restores it), and a final GC leaves nothing orphaned. Then three `narwhal copy`
// processes push overlapping closures at once and `store verify` finds the cache consistent.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcCache } from "@narwhal/cache-maintenance";
import { copy, type CopySummary } from "@narwhal/engine";
import {
  buildClosure,
  cacheProblems,
  hasNixStore,
  nixOut,
  restoreWithNix,
  rgwEndpoint,
  rgwUrl,
  s3Admin,
} from "./copy-support.js";
import { gatedStore } from "./gated-blob-store.js";
import { narwhal } from "./run-narwhal.js";

describe.skipIf(!hasNixStore || rgwEndpoint === "")("gc racing pushes (Ceph RGW, real Nix)", () => {
  const work = mkdtempSync(join(tmpdir(), "narwhal-gc-races-"));
  const buckets: string[] = [];
  let roots: string[];
  let closure: string[];
  const named = (part: string): string => closure.find((path) => path.includes(`-narwhal-copy-${part}-`))!;
  const narInfoKey = (path: string): string => `${path.slice("/nix/store/".length, "/nix/store/".length + 32)}.narinfo`;

  beforeAll(() => {
    ({ roots, closure } = buildClosure(`gc-race-${process.pid}`));
  });

  afterAll(async () => {
    const admin = await s3Admin();
    for (const bucket of buckets) await admin.deleteBucket(rgwUrl(bucket));
    rmSync(work, { recursive: true, force: true });
  });

  /** A fresh public-read bucket already holding lib and base (pushed by a `narwhal copy` process). */
  async function bucketWithLib(label: string): Promise<{ bucket: string; url: string }> {
    const bucket = `narwhal-gc-${label}-${randomBytes(4).toString("hex")}`;
    const admin = await s3Admin();
    await admin.ensureBucket(rgwUrl(bucket));
    await admin.setPublicReadPolicy(rgwUrl(bucket));
    buckets.push(bucket);
    const url = rgwUrl(bucket, "compression=zstd");
    const pushed = await narwhal(["copy", "--to", url, "--json", named("lib")]);
    expect(pushed.stderr).toBe("");
    expect(pushed.status).toBe(0);
    return { bucket, url };
  }

  function gcProcess(url: string, keep: readonly string[]) {
    return narwhal([
      "store",
      "gc",
      "--store",
      url,
      "--grace",
      "0s",
      "--settle",
      "0s",
      "--json",
      ...keep.flatMap((path) => ["--keep", path]),
    ]);
  }

  /** Consistent now; real Nix restores every root from the bucket over HTTP; a final GC leaves no orphan. */
  async function expectWholeCache(bucket: string, url: string, pushedRoots: readonly string[]): Promise<void> {
    expect(await cacheProblems(url)).toEqual([]);
    const root = mkdtempSync(join(work, "nix-root-"));
    restoreWithNix(bucket, root, pushedRoots);
    for (const path of nixOut("nix-store", ["-qR", ...pushedRoots]).split("\n")) {
      expect(execFileSync("nix-store", ["--dump", join(root, path)], { maxBuffer: 1 << 30 })).toEqual(
        execFileSync("nix-store", ["--dump", path], { maxBuffer: 1 << 30 }),
      );
    }
    const final = await gcProcess(url, pushedRoots);
    expect(final.stderr).toBe("");
    expect(final.status).toBe(0);
    const verify = await narwhal(["store", "verify", "--store", url, "--all", "--no-require-sigs", "--json"]);
    expect(verify.status).toBe(0);
    const report = JSON.parse(verify.stdout.toString()) as { problems: unknown[]; orphanNars: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.orphanNars).toEqual([]);
  }

  async function pushInProcess(url: string, arm: (blobs: Awaited<ReturnType<typeof gatedStore>>["blobs"]) => void) {
    const { store, blobs } = await gatedStore(url);
    arm(blobs);
    const pushing: Promise<CopySummary> = copy({ to: store, paths: roots, jobs: 2 });
    pushing.catch(() => {});
    return { store, blobs, pushing };
  }

  it("a GC process deletes a skipped reference while the push uploads its NARs: the push uploads it again", async () => {
    const { bucket, url } = await bucketWithLib("during-upload");
    let nars!: ReturnType<Awaited<ReturnType<typeof gatedStore>>["blobs"]["gate"]>;
    const { store, pushing } = await pushInProcess(url, (blobs) => {
      nars = blobs.gate((key) => key.startsWith("nar/"));
    });
    await nars.anyReached; // the push has found lib and base present (skipped) and is uploading the other NARs
    const gc = await gcProcess(url, [roots[0]!]); // keeps a path not pushed yet: lib and base are garbage
    expect(gc.status).toBe(0);
    const deleted = (JSON.parse(gc.stdout.toString()) as { deleted: Array<{ storePath?: string }> }).deleted;
    expect(
      deleted
        .map((item) => item.storePath)
        .filter(Boolean)
        .sort(),
    ).toEqual([named("base"), named("lib")].sort());
    nars.open();
    const summary = await pushing;
    await store.close();
    expect(summary.failed).toEqual([]);
    expect(summary.copied.sort()).toEqual([...closure].sort()); // lib and base were skipped, then pushed again
    expect(summary.skipped).toEqual([]);
    await expectWholeCache(bucket, url, roots);
  });

  it("narinfos published while the GC settles rescue their closures; a publish that saw the notice waits and re-uploads its NAR", async () => {
    const { bucket, url } = await bucketWithLib("settle");
    let narInfos!: ReturnType<Awaited<ReturnType<typeof gatedStore>>["blobs"]["gate"]>;
    const { store, pushing } = await pushInProcess(url, (blobs) => {
      narInfos = blobs.gate((key) => key.endsWith(".narinfo"));
    });
    const app1 = named("app1");
    const payload = named("payload");
    // app1 (refers to lib, base) and payload checked the notices (none yet) and wait to put their narinfos;
    // app2 (refers to payload and lib) cannot start publishing before payload's narinfo is stored.
    await Promise.all([narInfos.reached(narInfoKey(app1)), narInfos.reached(narInfoKey(payload))]);
    const gcStore = await gatedStore(url);
    const report = await gcCache(gcStore.store, {
      keep: [],
      graceMs: 0,
      settleMs: 0,
      whileSettling: async () => {
        narInfos.open();
        await Promise.all([narInfos.done(narInfoKey(app1)), narInfos.done(narInfoKey(payload))]);
      },
    });
    await gcStore.store.close();
    expect(report.rescued).toEqual([named("base"), named("lib")].sort());
    // app2's NAR had no narinfo at the mark and none by the re-scan (app2 waited on the notice): deleted
    expect(report.deleted.map((item) => item.kind)).toEqual(["nar"]);
    const summary = await pushing;
    await store.close();
    expect(summary.failed).toEqual([]);
    expect(summary.copied.length + summary.skipped.length).toBe(closure.length);
    await expectWholeCache(bucket, url, roots);
  });

  it("a push that finds its references in a GC notice waits for the sweep, then uploads them again", async () => {
    const { bucket, url } = await bucketWithLib("notice");
    const gcStore = await gatedStore(url);
    let push: Awaited<ReturnType<typeof pushInProcess>> | undefined;
    const report = await gcCache(gcStore.store, {
      keep: [],
      graceMs: 0,
      settleMs: 0,
      whileSettling: async () => {
        push = await pushInProcess(url, () => {});
        // payload, app1 and app2 list the notices once each before publishing; a fourth listing that finds the
        // notice is a publisher waiting for this run to end (app1 and app2 lean on lib and base)
        await push.blobs.noticeListings(4);
      },
    });
    await gcStore.store.close();
    expect(report.rescued).toEqual([]);
    expect(report.deleted.filter((item) => item.kind === "narinfo").map((item) => item.storePath)).toEqual([
      named("lib"),
      named("base"),
    ]);
    const summary = await push!.pushing;
    await push!.store.close();
    expect(summary.failed).toEqual([]);
    expect(summary.copied.sort()).toEqual([...closure].sort());
    await expectWholeCache(bucket, url, roots);
  });

  it("three copy processes pushing overlapping closures at once all succeed and leave a consistent cache", async () => {
    const { bucket, url } = await bucketWithLib("writers");
    const runs = await Promise.all([
      narwhal(["copy", "--to", url, "--json", roots[0]!]),
      narwhal(["copy", "--to", url, "--json", roots[1]!]),
      narwhal(["copy", "--to", url, "--json", "--jobs", "1", ...roots]),
    ]);
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect((JSON.parse(run.stdout.toString()) as { failed: unknown[] }).failed).toEqual([]);
    }
    const verify = await narwhal(["store", "verify", "--store", url, "--all", "--no-require-sigs", "--json"]);
    expect(verify.status).toBe(0);
    const report = JSON.parse(verify.stdout.toString()) as {
      checked: number;
      problems: unknown[];
      orphanNars: unknown[];
    };
    expect(report).toMatchObject({ checked: closure.length, problems: [], orphanNars: [] });
    await expectWholeCache(bucket, url, roots);
  });
});
