// `narwhal watch-store` and `narwhal queue-push` as real processes against real Ceph RGW and real Nix 2.8 (builds
// into a private chroot store): paths built while the watcher runs are pushed with their closures and restored by
// real Nix; paths a real post-build-hook queued while no watcher ran are pushed by the next one; SIGTERM in the
// middle of an upload aborts it cleanly and a restart completes; kill -9 loses nothing; failures retry or are skipped.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryCacheStore } from "@narwhal/store";
import { cacheProblems, hasNixStore, restoreWithNix, rgwEndpoint, rgwUrl, s3Admin } from "./copy-support.js";
import { narwhal } from "./run-narwhal.js";
import {
  WatcherProcess,
  buildInto,
  newChrootStore,
  queuePushHook,
  slowS3Proxy,
  waitUntil,
} from "./watch-store-support.js";

const BIG_PAYLOAD = 32 * 1024 * 1024;

describe.skipIf(!hasNixStore || rgwEndpoint === "")("narwhal watch-store and queue-push", { timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "narwhal-watch-store-"));
  const buckets: string[] = [];
  const watchers: WatcherProcess[] = [];
  let slow: Awaited<ReturnType<typeof slowS3Proxy>>;
  /** The bucket behind a 4 MiB/s link: a BIG_PAYLOAD upload takes seconds, so it is caught in flight. */
  const slowUrl = (bucket: string): string =>
    `s3://${bucket}?endpoint=${encodeURIComponent(slow.endpoint)}&compression=none&buffer-size=5242880`;
  let secretKey: string;
  let publicKey: string;

  async function freshBucket(label: string, options: { publicRead?: boolean; create?: boolean } = {}) {
    const bucket = `narwhal-watch-${label}-${randomBytes(4).toString("hex")}`;
    buckets.push(bucket);
    const admin = await s3Admin();
    if (options.create ?? true) await admin.ensureBucket(rgwUrl(bucket));
    if (options.publicRead) await admin.setPublicReadPolicy(rgwUrl(bucket));
    return bucket;
  }

  function watcher(args: readonly string[]): WatcherProcess {
    const started = new WatcherProcess(args);
    watchers.push(started);
    return started;
  }

  /** The paths among `paths` that have a narinfo in the cache at `url`. */
  async function cached(url: string, paths: readonly string[]): Promise<string[]> {
    const store = await BinaryCacheStore.open(url, { requireSigs: false, createCacheInfo: false });
    try {
      const present: string[] = [];
      for (const path of paths) if ((await store.queryPathInfo(path)) !== undefined) present.push(path);
      return present;
    } finally {
      await store.close();
    }
  }

  async function pendingUploads(url: string): Promise<string[]> {
    const blobs = (await s3Admin()).S3BlobStore.fromUrl(url);
    try {
      const keys: string[] = [];
      for await (const upload of blobs.multipart.list("nar/")) keys.push(upload.key);
      return keys;
    } finally {
      blobs.close();
    }
  }

  async function stop(running: WatcherProcess): Promise<void> {
    running.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.events.at(-1)).toMatchObject({ event: "stopped" });
  }

  beforeAll(async () => {
    slow = await slowS3Proxy(rgwEndpoint, 4 * 1024 * 1024);
    secretKey = join(work, "secret.key");
    execFileSync("nix-store", ["--generate-binary-cache-key", "narwhal-watch-1", secretKey, join(work, "public.key")]);
    publicKey = readFileSync(join(work, "public.key"), "utf8");
  });

  afterAll(async () => {
    for (const running of watchers) running.kill("SIGKILL");
    slow.close();
    const admin = await s3Admin();
    for (const bucket of buckets) await admin.deleteBucket(rgwUrl(bucket)).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  });

  it("pushes the paths Nix builds while it runs, with their closures, and real Nix restores them", async () => {
    const root = newChrootStore(work);
    const before = buildInto(root, `before-${randomBytes(4).toString("hex")}`); // already there: not pushed
    const bucket = await freshBucket("built", { publicRead: true });
    const url = rgwUrl(bucket, "compression=zstd", `secret-key=${secretKey}`);
    const running = watcher(["--from", `local?root=${root}`, "--to", url, "--queue", join(work, "q-built")]);
    await running.waitFor("watching", (e) => e.event === "watching");

    const built = buildInto(root, `built-${randomBytes(4).toString("hex")}`);
    await running.waitPushed(built.closure);
    await stop(running);

    expect(await cached(url, before.closure)).toEqual([]);
    expect(await cacheProblems(url)).toEqual([]);
    const restored = newChrootStore(work);
    restoreWithNix(bucket, restored, built.roots, publicKey);
    for (const path of built.closure) {
      expect(
        execFileSync("nix-store", ["--dump", join(restored, path)], { maxBuffer: 1 << 28 }).equals(
          execFileSync("nix-store", ["--dump", join(root, path)], { maxBuffer: 1 << 28 }),
        ),
      ).toBe(true);
    }
  });

  it("pushes what a real post-build-hook queued while no watcher ran, once a watcher starts", async () => {
    const root = newChrootStore(work);
    buildInto(root, `seed-${randomBytes(4).toString("hex")}`); // the database exists before the watcher's first start
    const queue = join(work, "q-hook");
    const hook = queuePushHook(work, queue);
    const built = buildInto(root, `hook-${randomBytes(4).toString("hex")}`, { postBuildHook: hook });
    // Nix ran the hook once per built derivation (base is a toFile, not built): one entry each, for its outputs
    // (Nix 2.8.0 gives the hook an empty OUT_PATHS, so the entry names the .drv whose outputs the watcher reads).
    const outputs = built.closure.filter((path) => !path.includes("-narwhal-watch-base-"));
    expect(readdirSync(join(queue, "pending"))).toHaveLength(outputs.length);

    const bucket = await freshBucket("hook");
    const url = rgwUrl(bucket, "compression=zstd");
    const running = watcher(["--from", `local?root=${root}`, "--to", url, "--queue", queue]);
    expect(await running.waitFor("watching", (e) => e.event === "watching")).toMatchObject({ queued: outputs.length });
    await running.waitPushed(outputs);
    await stop(running);
    expect((await cached(url, built.closure)).sort()).toEqual([...built.closure].sort());
    expect(await cacheProblems(url)).toEqual([]);
    expect(readdirSync(join(queue, "pending"))).toEqual([]);
  });

  it("after SIGTERM in the middle of an upload it aborts the upload, exits 0, and a restart completes everything", async () => {
    const root = newChrootStore(work);
    buildInto(root, `seed-${randomBytes(4).toString("hex")}`);
    const bucket = await freshBucket("sigterm");
    const url = rgwUrl(bucket, "compression=none", "buffer-size=5242880");
    const queue = join(work, "q-sigterm");
    const args = ["--from", `local?root=${root}`, "--queue", queue, "--stop-timeout", "0"];
    const first = watcher([...args, "--to", slowUrl(bucket)]);
    await first.waitFor("watching", (e) => e.event === "watching");
    const built = buildInto(root, `sigterm-${randomBytes(4).toString("hex")}`, { payloadBytes: BIG_PAYLOAD });
    await waitUntil("a multipart upload in flight", async () => (await pendingUploads(url)).length > 0);
    await stop(first);
    const stopped = first.events.at(-1)!;
    expect(stopped.queued as number).toBeGreaterThan(0); // the interrupted path stays queued
    expect(await pendingUploads(url)).toEqual([]); // aborted, not left behind
    expect(await cacheProblems(url)).toEqual([]);
    expect(await cached(url, built.closure)).not.toEqual(expect.arrayContaining(built.closure));

    const second = watcher([...args, "--to", url]);
    await second.waitPushed(
      built.closure.filter((path) => !first.events.some((e) => e.event === "pushed" && e.path === path)),
    );
    await stop(second);
    expect((await cached(url, built.closure)).sort()).toEqual([...built.closure].sort());
    expect(await cacheProblems(url)).toEqual([]);
  });

  it("after SIGTERM in the middle of an upload it lets the upload finish within --stop-timeout, then exits 0", async () => {
    const root = newChrootStore(work);
    buildInto(root, `seed-${randomBytes(4).toString("hex")}`);
    const bucket = await freshBucket("finish");
    const url = rgwUrl(bucket, "compression=none", "buffer-size=5242880");
    const running = watcher([
      "--from",
      `local?root=${root}`,
      "--queue",
      join(work, "q-finish"),
      "--to",
      slowUrl(bucket),
    ]);
    await running.waitFor("watching", (e) => e.event === "watching");
    const built = buildInto(root, `finish-${randomBytes(4).toString("hex")}`, { payloadBytes: BIG_PAYLOAD });
    const payload = built.closure.find((path) => path.includes("-narwhal-watch-payload-"))!;
    await waitUntil("a multipart upload in flight", async () => (await pendingUploads(url)).length > 0);
    await stop(running); // 120 s: ample for the rest of the NAR at 4 MiB/s
    const stopping = running.events.findIndex((e) => e.event === "stopping");
    const pushed = running.events.findIndex((e) => e.event === "pushed" && e.path === payload);
    expect(pushed).toBeGreaterThan(stopping); // finished after the signal, not aborted
    expect(await cached(url, [payload])).toEqual([payload]);
    expect(await pendingUploads(url)).toEqual([]);
    expect(await cacheProblems(url)).toEqual([]);
  });

  it("kill -9 of the watcher loses nothing: queued paths and paths built meanwhile are pushed by the next one", async () => {
    const root = newChrootStore(work);
    buildInto(root, `seed-${randomBytes(4).toString("hex")}`);
    const bucket = await freshBucket("kill");
    const url = rgwUrl(bucket, "compression=none", "buffer-size=5242880");
    const queue = join(work, "q-kill");
    const args = ["--from", `local?root=${root}`, "--queue", queue];
    const first = watcher([...args, "--to", slowUrl(bucket)]);
    await first.waitFor("watching", (e) => e.event === "watching");
    const big = buildInto(root, `kill-${randomBytes(4).toString("hex")}`, { payloadBytes: BIG_PAYLOAD });
    await waitUntil("a multipart upload in flight", async () => (await pendingUploads(url)).length > 0);
    const queuedAtKill = readdirSync(join(queue, "pending"));
    first.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(queuedAtKill.length).toBeGreaterThan(0);
    // Each path queued when the watcher died is still queued, or it was pushed just before (its narinfo is there).
    const inCache = new Set(await cached(url, big.closure));
    for (const name of queuedAtKill)
      expect(existsSync(join(queue, "pending", name)) || inCache.has(`/nix/store/${name}`)).toBe(true);
    expect(await cacheProblems(url)).toEqual([]);
    const notPushed = big.closure.filter((path) => !inCache.has(path));
    expect(notPushed.length).toBeGreaterThan(0);

    // While no watcher runs: Nix builds more, and the hook-less build is only in the database (the cursor finds it).
    const meanwhile = buildInto(root, `meanwhile-${randomBytes(4).toString("hex")}`);
    const second = watcher([...args, "--to", url]);
    await second.waitPushed([...notPushed, ...meanwhile.closure]);
    await stop(second);
    const everything = [...big.closure, ...meanwhile.closure];
    expect((await cached(url, everything)).sort()).toEqual([...everything].sort());
    expect(await cacheProblems(url)).toEqual([]);
    expect(await pendingUploads(url)).toEqual([]); // the killed run's upload was aborted when its NAR went again
  });

  it("retries a failing push with backoff and skips a path that can never be pushed, the others going on", async () => {
    const root = newChrootStore(work);
    const built = buildInto(root, `retry-${randomBytes(4).toString("hex")}`);
    const bucket = await freshBucket("retry", { create: false }); // not there yet: every push fails for now
    const url = rgwUrl(bucket, "compression=zstd");
    const queue = join(work, "q-retry");
    const gone = "/nix/store/00000000000000000000000000000000-never-built";
    const queuePush = await narwhal(["queue-push", "--queue", queue, gone, ...built.roots]);
    expect(queuePush).toMatchObject({ status: 0, stderr: "" });

    const running = watcher(["--from", `local?root=${root}`, "--to", url, "--queue", queue, "--retry-delay", "0.2"]);
    expect(await running.waitFor(`${gone} failed`, (e) => e.event === "failed" && e.path === gone)).toMatchObject({
      attempts: 1,
    });
    expect(existsSync(join(queue, "failed", gone.slice("/nix/store/".length)))).toBe(true);
    const retry = await running.waitFor("a retry", (e) => e.event === "retrying" && e.path === built.roots[0]);
    expect(retry).toMatchObject({ attempt: 1 });
    expect(retry.error).toMatch(/bucket|NoSuchBucket/i);
    await (await s3Admin()).ensureBucket(rgwUrl(bucket));
    await running.waitPushed(built.roots);
    await stop(running);
    expect((await cached(url, built.closure)).sort()).toEqual([...built.closure].sort());
    expect(await cacheProblems(url)).toEqual([]);
  });

  it("refuses a malformed --to at once, and never shows a URL's password in its events", async () => {
    const root = newChrootStore(work);
    const built = buildInto(root, `secret-${randomBytes(4).toString("hex")}`);
    const queue = join(work, "q-secret");
    const malformed = await narwhal(["watch-store", "--from", `local?root=${root}`, "--queue", queue, "--to", "s3://"]);
    expect(malformed.status).toBe(1);
    expect(malformed.stderr).toMatch(/^narwhal: error: .*s3:\/\//);

    expect((await narwhal(["queue-push", "--queue", queue, built.roots[0]!])).status).toBe(0);
    const running = watcher([
      "--from",
      `local?root=${root}`,
      "--queue",
      queue,
      "--to",
      "https://user:hunter2@127.0.0.1:9/c",
    ]);
    await running.waitFor("a retry", (e) => e.event === "retrying");
    await stop(running);
    const shown = JSON.stringify(running.events) + running.stderr;
    expect(shown).toContain("127.0.0.1:9");
    expect(shown).not.toContain("hunter2");
  });

  it("queue-push refuses what is not a store path, naming it, and queues nothing", async () => {
    const queue = join(work, "q-refuse");
    const result = await narwhal([
      "queue-push",
      "--queue",
      queue,
      "/nix/store/0a9cx0fy1h6b8kw3ffqy9zrk0s1g6fpd-ok",
      "./result",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot queue "\.\/result": it is not a store path/);
    expect(readdirSync(join(queue, "pending"))).toEqual([]);
  });
});
