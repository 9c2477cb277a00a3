// A pool of restore worker threads (Piscina) for fetchPath's work: each path is decoded, verified and written in
// a worker, so a closure's paths use every core. The callbacks of FetchPathOptions still run on this thread,
// which the worker asks at each step (see restore-messages.ts).
// Paths must be handed in references-first order, and never more at once than the workers take (`capacity`, see
// slotsFor): a path holds its worker while it waits for its references, and a task left in Piscina's queue is not
// sure to be started before later ones (one worker, eight paths: a reference handed in third was still queued when
// the path referring to it held the worker, for ever), so no path may wait in that queue.

import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import type { Piscina } from "piscina";
import type { StoreOpening } from "@narwhal/store";
import { formatNarInfo, type NarInfo } from "@narwhal/store-path";
import { fetchAborted } from "./abortable.js";
import { messageOf } from "./errors.js";
import type { FetchedPath, FetchPathOptions } from "./fetch-path.js";
import { compiledModuleUrl, packageRequire } from "./package-files.js";
import { receivedError, type RestoreOutcome, type RestoreTask, type WorkerMessage } from "./restore-messages.js";

export interface RestoreWorkersOptions {
  /** Worker threads (default: the cores, at most 4). */
  readonly threads?: number;
  /**
   * Paths one worker works on at once. Default: 1 for a file:// cache, whose reads are as fast as the work on them
   * (two paths sharing a thread only slow the bigger one down: 1.32 s against 1.11 s for a 9-path closure); 4 for
   * a remote cache, so downloads overlap.
   */
  readonly pathsPerWorker?: number;
  /**
   * The worker module to run (default: this package's dist/restore-worker.js). A program that bundles this package
   * can bundle "@narwhal/fetch/restore-worker" too and pass its copy: one file loads in a fraction of the time the
   * ~170 modules behind the unbundled one take.
   */
  readonly workerModule?: URL;
}

/** The workers to use for a call fetching `pathCount` paths: none for one (a worker's start-up costs more). */
export function workersFor(workers: RestoreWorkers | undefined, pathCount: number): RestoreWorkers | undefined {
  return pathCount > 1 ? workers : undefined;
}

/** Paths to work on at once: `jobs`, but no more than the workers take at once, so none waits in their queue. */
export function slotsFor(workers: RestoreWorkers | undefined, jobs: number): number {
  return workers === undefined ? jobs : Math.max(1, Math.min(jobs, workers.capacity));
}

/** Fetches paths of one cache (described by `opening`) in worker threads; close() when done. */
export class RestoreWorkers {
  readonly #opening: StoreOpening;
  readonly #pool: Piscina;
  /** Paths the workers work on at once (threads × paths per worker); a caller hands in no more (slotsFor). */
  readonly capacity: number;

  constructor(opening: StoreOpening, options: RestoreWorkersOptions = {}) {
    this.#opening = opening;
    const { Piscina: Pool } = packageRequire("piscina") as typeof import("piscina");
    const threads = options.threads ?? Math.min(availableParallelism(), 4);
    const pathsPerWorker = options.pathsPerWorker ?? (opening.url.startsWith("file://") ? 1 : 4);
    this.capacity = threads * pathsPerWorker;
    this.#pool = new Pool({
      filename: (options.workerModule ?? compiledModuleUrl("restore-worker.js")).href,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: pathsPerWorker,
      idleTimeout: 1_000,
      workerData: { opening },
    });
  }

  /** What fetchPath(store, info, target, options) does, with the same checks and cleanup, in a worker thread. */
  async fetchPath(info: NarInfo, target: string, options: FetchPathOptions = {}): Promise<FetchedPath> {
    const storePath = info.storePath.path;
    const { signal } = options;
    const { port1: here, port2: there } = new MessageChannel();
    let own: { readonly error: unknown } | undefined; // this thread's own failure, reported as itself
    const answer = async (step: () => Promise<void> | undefined): Promise<void> => {
      try {
        await step();
        here.postMessage({ type: "go" });
      } catch (error) {
        own = { error };
        here.postMessage({ type: "stop" });
      }
    };
    here.on("message", (message: WorkerMessage) => {
      switch (message.type) {
        case "nar-bytes":
          options.onNarBytes?.(message.bytes);
          break;
        case "before-rename":
          void answer(() => options.beforeRename?.(target));
          break;
        case "move":
          void answer(() => options.moveIntoPlace?.(message.staged, message.target, message.derivation));
          break;
      }
    });
    const onAbort = (): void =>
      here.postMessage({ type: "abort", reason: signal?.reason === undefined ? "aborted" : messageOf(signal.reason) });
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    const task: RestoreTask = {
      opening: this.#opening,
      narInfo: formatNarInfo(info),
      storeDir: info.storePath.storeDir,
      target,
      askBeforeRename: options.beforeRename !== undefined,
      askToMove: options.moveIntoPlace !== undefined,
      port: there,
      ...(options.storeMetadata === undefined ? {} : { storeMetadata: options.storeMetadata }),
      ...(options.maxDerivationSize === undefined ? {} : { maxDerivationSize: options.maxDerivationSize }),
    };
    try {
      const outcome = (await this.#pool.run(task, { transferList: [there] })) as RestoreOutcome;
      if (outcome.ok) {
        if (outcome.unreportedNarBytes > 0) options.onNarBytes?.(outcome.unreportedNarBytes);
        return outcome.fetched;
      }
      if (own !== undefined) throw own.error;
      if (signal?.aborted === true) {
        throw fetchAborted(signal, storePath, `fetching ${storePath} into ${target}`, signal.reason);
      }
      throw receivedError(outcome.error);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      here.close();
    }
  }

  /** Ends the worker threads (after the paths in flight). */
  close(): Promise<void> {
    return this.#pool.destroy();
  }
}
