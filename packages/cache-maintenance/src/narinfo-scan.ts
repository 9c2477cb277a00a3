// Which narinfos verify, sign and gc look at (--all or given paths), each read through the store's bounded,
// unchecked scan (no signature policy), and how they run work over a (streaming) listing with bounded concurrency.

import pLimit from "p-limit";
import type { BinaryCacheStore, ScannedNarInfo } from "@narwhal/store";

export type { ScannedNarInfo };

/** Hash parts of the narinfos of `paths`, or of every narinfo in the cache when `paths` is undefined, sorted. */
export async function narInfoHashParts(
  store: BinaryCacheStore,
  paths: readonly string[] | undefined,
): Promise<string[]> {
  if (paths !== undefined) return paths.map((path) => store.parsePath(path).hashPart);
  const hashParts: string[] = [];
  for await (const hashPart of store.listNarInfos()) hashParts.push(hashPart);
  return hashParts.sort();
}

/**
 * Runs `work` on each item of `items` (an array or a paginated listing, read as it goes) with at most `jobs` in
 * flight and at most `jobs` more queued: the items are pulled only as slots free up, so neither the listing nor
 * the promises grow with the number of keys. The first failure stops the pulling and is thrown once the work in
 * flight has settled.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T> | AsyncIterable<T>,
  jobs: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const limit = pLimit(Math.max(1, jobs));
  const unfinished = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | undefined;
  for await (const item of items) {
    if (failure !== undefined) break;
    const task: Promise<void> = limit(work, item).then(
      () => {
        unfinished.delete(task);
      },
      (error: unknown) => {
        failure ??= { error };
        unfinished.delete(task);
      },
    );
    unfinished.add(task);
    if (limit.pendingCount >= limit.concurrency) await Promise.race(unfinished);
  }
  await Promise.all(unfinished);
  if (failure !== undefined) throw failure.error;
}
