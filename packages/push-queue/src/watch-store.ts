// watchStore(): the long-running push of a local Nix store into a binary cache. New valid paths (from the Nix
// database) and paths handed in by `queue-push` meet in the on-disk queue; one pusher drains it batch by batch.
// A stop request ends the intake, lets the batch in flight finish for a while, then aborts what is still uploading.

import { holdCompressionPools } from "@narwhal/codecs";
import type { CopyReporter } from "@narwhal/engine";
import { openLocalStore } from "@narwhal/local-store";
import type { OpenStoreOptions } from "@narwhal/store";
import { parseStoreUrl } from "@narwhal/store-url";
import { dirname } from "node:path";
import { type ChangeWatch, Wakeup, watchDirectory } from "./change-watch.js";
import { PushQueueError } from "./errors.js";
import { NewPathIntake } from "./new-path-intake.js";
import type { PushEventListener } from "./push-events.js";
import { PushQueue } from "./push-queue.js";
import { QueuePusher } from "./queue-pusher.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
import { ValidPathFeed } from "./valid-path-feed.js";
import { WatcherLock } from "./watcher-lock.js";

/** How often the database and the queue are looked at when no change event came (file systems without inotify). */
export const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** How long uploads in flight may go on after a stop request before they are aborted. */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

export interface WatchStoreOptions {
  /** The local store to watch: `local` (default) or `local?root=DIR`. */
  readonly from?: string;
  /** The binary cache to push to (a store URL). */
  readonly to: string;
  readonly destinationOptions?: OpenStoreOptions;
  /** The queue directory (see defaultQueueDirectory). */
  readonly queueDirectory: string;
  /** NAR uploads at once. */
  readonly jobs?: number;
  readonly batchSize?: number;
  readonly retry?: RetryPolicy;
  readonly pollIntervalMs?: number;
  readonly stopTimeoutMs?: number;
  /** Aborting it stops the watcher (SIGTERM, SIGINT). A second abort of `abortUploads` cuts the grace short. */
  readonly stop: AbortSignal;
  /** Aborting it aborts the uploads in flight at once (a second signal). */
  readonly abortUploads?: AbortSignal;
  readonly onEvent?: PushEventListener;
  readonly copyProgress?: () => { readonly reporter: CopyReporter; done(): void };
}

export interface WatchStoreSummary {
  readonly pushed: number;
  readonly failed: number;
  /** Paths still queued at the end. */
  readonly queued: number;
}

/** Runs until `stop` is aborted; resolves once nothing is uploading any more, the queue and the cache consistent. */
export async function watchStore(options: WatchStoreOptions): Promise<WatchStoreSummary> {
  const onEvent = options.onEvent ?? (() => {});
  const from = options.from ?? "local";
  const pollMs = positive(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, "poll interval");
  parseStoreUrl(options.to); // a malformed destination is refused now, not once per path in every batch
  const queue = await PushQueue.open(options.queueDirectory);
  const lock = await WatcherLock.acquire(queue.directory);
  const cleanups: Array<() => Promise<void> | void> = [() => lock.release()];
  const uploads = new AbortController();
  try {
    await queue.removeStaleTemps();
    const store = openLocalStore(from);
    cleanups.push(() => store.close());
    if (store.databaseMode !== "wal") {
      throw new PushQueueError(
        "WATCH_DATABASE_NOT_LIVE",
        store.databaseFile,
        `cannot watch ${from}: its database ${store.databaseFile} can only be read as a copy by this user (no live read-only access), so new paths would not be seen`,
      );
    }
    const feed = ValidPathFeed.open(store.databaseFile);
    cleanups.push(() => feed.close());
    const pools = holdCompressionPools(); // the codec threads stay up between batches
    cleanups.push(() => pools.release());

    const intake = await NewPathIntake.start(feed, queue);
    const wakeup = new Wakeup();
    let intakeError: unknown;
    const takeIn = (): void => {
      intake.drain().then(
        () => wakeup.fire(),
        (error: unknown) => {
          intakeError = error;
          wakeup.fire();
        },
      );
    };
    const watches: ChangeWatch[] = [
      watchDirectory(dirname(store.databaseFile), (name) => /^db\.sqlite(-wal)?$/.test(name), takeIn, pollMs),
      watchDirectory(
        queue.pendingDirectory,
        () => true,
        () => wakeup.fire(),
        pollMs,
      ),
    ];
    cleanups.push(() => {
      for (const watch of watches) watch.close();
    });
    const onStop = (): void => {
      wakeup.fire();
      const timer = setTimeout(
        () => uploads.abort(new Error("stopped: uploads still running at the end of the stop timeout were aborted")),
        options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
      );
      timer.unref();
      onEvent({ type: "stopping", reason: reasonOf(options.stop) });
    };
    if (options.stop.aborted) onStop();
    else options.stop.addEventListener("abort", onStop, { once: true });
    options.abortUploads?.addEventListener("abort", () => uploads.abort(options.abortUploads!.reason), { once: true });

    await intake.drain();
    onEvent({
      type: "watching",
      store: from,
      database: store.databaseFile,
      queue: queue.directory,
      to: options.to,
      queued: await queue.size(),
    });
    const pusher = new QueuePusher(queue, {
      store,
      storeDescription: from,
      to: options.to,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      onEvent,
      ...(options.destinationOptions === undefined ? {} : { destinationOptions: options.destinationOptions }),
      ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.copyProgress === undefined ? {} : { copyProgress: options.copyProgress }),
    });
    while (!options.stop.aborted) {
      if (intakeError !== undefined) throw intakeError;
      const { taken, nextDueAt } = await pusher.pushBatch(uploads.signal);
      if (taken > 0) continue;
      await wakeup.wait(nextDueAt - Date.now());
    }
    await intake.drain().catch(() => {}); // what became valid up to now is queued (the cursor covers the rest)
    const summary = { pushed: pusher.pushed, failed: pusher.failed, queued: await queue.size() };
    onEvent({ type: "stopped", ...summary });
    return summary;
  } finally {
    uploads.abort(new Error("the watcher ended"));
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason as unknown;
  return reason instanceof Error ? reason.message : String(reason ?? "stop requested");
}

function positive(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new PushQueueError("QUEUE_BAD_OPTIONS", String(ms), `the ${what} must be a positive duration, got ${ms} ms`);
  return ms;
}
