// Which narinfos verify, sign and gc look at (--all or given paths), each read through the store's bounded,
// unchecked scan (no signature policy), and a small concurrency helper they share.

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

/** Runs `work` over `items` with at most `jobs` in flight, keeping results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
