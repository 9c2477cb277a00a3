// Fetches several store paths from a binary cache into one directory, each at DIR/<hash>-<name> (its store path's
// base name, so two paths never collide), several at a time. Every path gets all of fetchPath's checks and its
// all-or-nothing restore; one path failing does not stop the others, and each outcome is reported.

import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import type { BinaryCacheStore } from "@narwhal/store";
import pLimit from "p-limit";
import { isAbortError, raceAbort } from "./abortable.js";
import { fetchPath, requirePathInfo, type FetchedPath } from "./fetch-path.js";
import { slotsFor, workersFor, type RestoreWorkers } from "./restore-workers.js";

export interface FetchPathsOptions {
  /** Paths fetched at once (default 4). */
  readonly jobs?: number;
  /** Called with the number of NAR bytes as they are unpacked (all paths together). */
  readonly onNarBytes?: (bytes: number) => void;
  /** Called once per path when it is in place. */
  readonly onFetched?: (fetched: FetchedPath) => void;
  /** Stops every fetch: their temp trees are removed and the call rejects with FetchError ABORTED. */
  readonly signal?: AbortSignal;
  /**
   * Fetch each path in these worker threads (opened on the same cache as `store`) instead of on this thread,
   * when there is more than one.
   */
  readonly workers?: RestoreWorkers;
}

export interface FetchPathsFailure {
  readonly storePath: string;
  readonly error: Error;
}

export interface FetchPathsResult {
  /** In the order the paths were given (a path given twice is fetched once). */
  readonly fetched: FetchedPath[];
  readonly failed: FetchPathsFailure[];
}

/** Where fetchPathsInto puts `storePath` under `dir`. */
export function fetchTargetIn(dir: string, storePath: string): string {
  return join(dir, basename(storePath));
}

/**
 * Fetches `paths` into `dir` (created if missing), each at fetchTargetIn(dir, path), which must not exist. A path
 * that is not a store path of this cache's store directory is refused before anything is fetched.
 */
export async function fetchPathsInto(
  store: BinaryCacheStore,
  paths: readonly string[],
  dir: string,
  options: FetchPathsOptions = {},
): Promise<FetchPathsResult> {
  const storePaths = [...new Set(paths.map((path) => store.parsePath(path).path))];
  await mkdir(dir, { recursive: true });
  const workers = workersFor(options.workers, storePaths.length);
  const limit = pLimit(slotsFor(workers, options.jobs ?? 4));
  const outcomes = await Promise.allSettled(
    storePaths.map((storePath) =>
      limit(async () => {
        const target = fetchTargetIn(dir, storePath);
        const pathOptions = {
          ...(options.onNarBytes === undefined ? {} : { onNarBytes: options.onNarBytes }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        };
        const fetched =
          workers === undefined
            ? await fetchPath(store, storePath, target, pathOptions)
            : await workers.fetchPath(
                await raceAbort(requirePathInfo(store, storePath), options.signal, storePath, `fetching ${storePath}`),
                target,
                pathOptions,
              );
        options.onFetched?.(fetched);
        return fetched;
      }),
    ),
  );
  const result: FetchPathsResult = { fetched: [], failed: [] };
  let aborted: Error | undefined;
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === "fulfilled") {
      result.fetched.push(outcome.value);
      continue;
    }
    const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
    if (isAbortError(error)) aborted ??= error;
    else result.failed.push({ storePath: storePaths[index]!, error });
  }
  if (aborted !== undefined) throw aborted;
  return result;
}
