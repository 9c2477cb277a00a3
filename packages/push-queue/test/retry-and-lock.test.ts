// Backoff doubles per failure up to its cap, with jitter below it; only failures no retry can fix are final. One
// watcher per queue: a live holder refuses a second one, and the lock a killed watcher left is taken over.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isFinalFailure, retryDelayMs } from "../src/index.js";
import { WatcherLock } from "../src/watcher-lock.js";

describe("retry policy", () => {
  const policy = { retries: 5, firstDelayMs: 1000, maxDelayMs: 5000 };
  it("doubles the wait per failure, caps it, and jitters it within 75-100%", () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(policy, n, () => 1))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(retryDelayMs(policy, 2, () => 0)).toBe(1500);
  });
  it("gives up at once only on failures a retry cannot fix", () => {
    expect(isFinalFailure("PATH_NOT_IN_SOURCE")).toBe(true);
    expect(isFinalFailure("LOCAL_STORE_PATH_NOT_VALID")).toBe(true);
    expect(isFinalFailure("REFERENCE_FAILED")).toBe(false);
    expect(isFinalFailure(undefined)).toBe(false);
  });
});

describe("watcher lock", () => {
  const dir = mkdtempSync(join(tmpdir(), "narwhal-watcher-lock-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second watcher while the first holds the queue, and is free again after release", async () => {
    const first = await WatcherLock.acquire(dir);
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(first.file, `${holder.pid}\n`); // as if another live process held it
      await expect(WatcherLock.acquire(dir)).rejects.toMatchObject({ code: "QUEUE_LOCKED" });
    } finally {
      holder.kill("SIGKILL");
      await new Promise((resolve) => holder.on("exit", resolve));
    }
    // The holder is gone (as after kill -9): its stale file is taken over.
    const second = await WatcherLock.acquire(dir);
    await second.release();
    await first.release();
  });
});
