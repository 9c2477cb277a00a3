// Drains the push queue in batches: takes the entries that are due, pushes them with their closures in one engine
// copy, removes each pushed path's entry, postpones a failed one with backoff (the batch and the paths after it go
// on), and moves a path that can never be pushed to failed/.

import { LocalStoreSource } from "@narwhal/engine/local-source";
import { type CopyReporter, type CopySummary, copy } from "@narwhal/engine";
import type { LocalStore } from "@narwhal/local-store";
import type { OpenStoreOptions } from "@narwhal/store";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { parseDerivationOutputs } from "@narwhal/store-path";
import { codeOf, messageOf } from "./errors.js";
import type { PushEventListener } from "./push-events.js";
import type { PushQueue, QueueEntry } from "./push-queue.js";
import { type RetryPolicy, isFinalFailure, retryDelayMs } from "./retry-policy.js";

/** Queue entries pushed in one engine copy: what the pusher holds in memory, however long the queue is. */
export const DEFAULT_BATCH_SIZE = 256;

export interface PusherOptions {
  readonly store: LocalStore;
  /** How to name the local store in messages. */
  readonly storeDescription: string;
  readonly to: string;
  readonly destinationOptions?: OpenStoreOptions;
  /** NAR uploads at once (the engine's `jobs`). */
  readonly jobs?: number;
  readonly batchSize?: number;
  readonly retry: RetryPolicy;
  readonly onEvent: PushEventListener;
  /** Called per batch for a reporter of its copy's progress, and told when the batch is over. */
  readonly copyProgress?: () => { readonly reporter: CopyReporter; done(): void };
}

export interface BatchOutcome {
  /** Entries taken from the queue (0: nothing was due). */
  readonly taken: number;
  /** When the earliest postponed entry is due (ms since the epoch; Infinity when none is). */
  readonly nextDueAt: number;
}

export class QueuePusher {
  readonly #queue: PushQueue;
  readonly #options: PusherOptions;
  pushed = 0;
  failed = 0;

  constructor(queue: PushQueue, options: PusherOptions) {
    this.#queue = queue;
    this.#options = options;
  }

  /** Pushes one batch of due entries; `abortUploads` ends its uploads early and leaves their entries queued. */
  async pushBatch(abortUploads: AbortSignal): Promise<BatchOutcome> {
    const { batch, nextDueAt } = await this.#takeDue(Date.now());
    if (batch.length === 0) return { taken: 0, nextDueAt };
    const pushable: QueueEntry[] = [];
    for (const entry of batch) {
      if (entry.outputsOf === true) {
        await this.#queueOutputsOf(entry);
        continue;
      }
      const problem = this.#notPushable(entry);
      if (problem === undefined) pushable.push(entry);
      else await this.#giveUp(entry, problem, "PATH_NOT_IN_SOURCE");
    }
    if (pushable.length > 0) await this.#push(pushable, abortUploads);
    return { taken: batch.length, nextDueAt };
  }

  async #takeDue(now: number): Promise<{ batch: QueueEntry[]; nextDueAt: number }> {
    const limit = this.#options.batchSize ?? DEFAULT_BATCH_SIZE;
    const batch: QueueEntry[] = [];
    let nextDueAt = Number.POSITIVE_INFINITY;
    for await (const entry of this.#queue.entries()) {
      if (!("path" in entry)) {
        await this.#queue.reject(entry, entry.problem);
        this.failed++;
        this.#options.onEvent({
          type: "failed",
          path: entry.name,
          attempts: 0,
          error: entry.problem,
          code: "QUEUE_BAD_ENTRY",
        });
        continue;
      }
      if (entry.notBefore > now) {
        nextDueAt = Math.min(nextDueAt, entry.notBefore);
        continue;
      }
      batch.push(entry);
      if (batch.length >= limit) break;
    }
    return { batch, nextDueAt };
  }

  /** Replaces an outputs-of entry by entries for the derivation's valid outputs (read from the .drv in the store). */
  async #queueOutputsOf(entry: QueueEntry): Promise<void> {
    const problem = this.#notPushable(entry);
    if (problem !== undefined) {
      await this.#giveUp(entry, problem, "PATH_NOT_IN_SOURCE");
      return;
    }
    const { store } = this.#options;
    let outputs: string[];
    try {
      const text = await readDerivation(store.realPath(entry.path));
      outputs = parseDerivationOutputs(text, entry.path)
        .map((output) => output.path)
        .filter((path) => path !== "" && store.isValidPath(path));
    } catch (error) {
      await this.#giveUp(entry, `cannot read the outputs of ${entry.path}: ${messageOf(error)}`, "QUEUE_BAD_ENTRY");
      return;
    }
    await this.#queue.enqueue(outputs);
    await this.#queue.remove(entry);
  }

  #notPushable(entry: QueueEntry): string | undefined {
    const { store, storeDescription } = this.#options;
    if (!entry.path.startsWith(`${store.storeDir}/`))
      return `${entry.path} is not in the store directory ${store.storeDir} of ${storeDescription}`;
    if (!store.isValidPath(entry.path)) return `${entry.path} is not a valid path in ${storeDescription}`;
    return undefined;
  }

  async #push(entries: QueueEntry[], abortUploads: AbortSignal): Promise<void> {
    const progress = this.#options.copyProgress?.();
    let summary: CopySummary;
    try {
      summary = await copy({
        from: new LocalStoreSource(
          { store: this.#options.store, description: this.#options.storeDescription },
          { signal: abortUploads },
        ),
        to: this.#options.to,
        paths: entries.map((entry) => entry.path),
        ...(this.#options.jobs === undefined ? {} : { jobs: this.#options.jobs }),
        ...(this.#options.destinationOptions === undefined
          ? {}
          : { destinationOptions: this.#options.destinationOptions }),
        ...(progress === undefined ? {} : { reporter: progress.reporter }),
      });
    } catch (error) {
      progress?.done();
      if (abortUploads.aborted) return; // the entries stay queued
      const subject = (error as { subject?: unknown }).subject;
      const culprit = codeOf(error) === "PATH_NOT_IN_SOURCE" ? entries.find((e) => e.path === subject) : undefined;
      if (culprit !== undefined) {
        // One path went away between the check and the copy: only it fails; the others go in the next batch.
        await this.#giveUp(culprit, messageOf(error), codeOf(error));
        return;
      }
      for (const entry of entries) await this.#failed(entry, messageOf(error), codeOf(error));
      return;
    }
    progress?.done();
    const failures = new Map(summary.failed.map((failure) => [failure.path, failure]));
    const copied = new Set(summary.copied);
    for (const entry of entries) {
      const failure = failures.get(entry.path);
      if (failure === undefined) {
        await this.#queue.remove(entry);
        this.pushed++;
        this.#options.onEvent({
          type: "pushed",
          path: entry.path,
          uploaded: copied.has(entry.path),
          attempts: entry.attempts + 1,
        });
      } else if (!abortUploads.aborted) {
        await this.#failed(entry, failure.error, failure.code);
      }
    }
  }

  async #failed(entry: QueueEntry, error: string, code: string | undefined): Promise<void> {
    const attempt = entry.attempts + 1;
    if (isFinalFailure(code) || attempt > this.#options.retry.retries) {
      await this.#giveUp(entry, error, code);
      return;
    }
    const delay = retryDelayMs(this.#options.retry, attempt);
    await this.#queue.postpone(entry, Date.now() + delay, error);
    this.#options.onEvent({
      type: "retrying",
      path: entry.path,
      attempt,
      error,
      ...(code === undefined ? {} : { code }),
      retryInSeconds: Math.round(delay / 100) / 10,
    });
  }

  async #giveUp(entry: QueueEntry, error: string, code: string | undefined): Promise<void> {
    await this.#queue.reject(entry, error);
    this.failed++;
    this.#options.onEvent({
      type: "failed",
      path: entry.path,
      attempts: entry.attempts + 1,
      error,
      ...(code === undefined ? {} : { code }),
    });
  }
}

/** A .drv is a few KiB; a larger file is not read whole. */
const DERIVATION_LIMIT = 16 * 1024 * 1024;

async function readDerivation(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${file} is not a regular file`);
    if (info.size > DERIVATION_LIMIT) throw new Error(`${file} is larger than ${DERIVATION_LIMIT} bytes`);
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}
