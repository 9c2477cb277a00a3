// Which narinfos verify, sign and gc look at (--all or given paths), each read through the store's bounded,
// unchecked scan (no signature policy), and a small concurrency helper they share.

import type { BinaryCacheStore, ScannedNarInfo } from "@narwhal/store";
import { narInfoFileFor } from "@narwhal/store-path";

export type { ScannedNarInfo };

/** Narinfo keys of `paths`, or of every narinfo in the cache when `paths` is undefined. */
export async function narInfoKeys(store: BinaryCacheStore, paths: readonly string[] | undefined): Promise<string[]> {
  if (paths !== undefined) return paths.map((path) => narInfoFileFor(store.parsePath(path)));
  const keys: string[] = [];
  for await (const hashPart of store.listNarInfos()) keys.push(`${hashPart}.narinfo`);
  return keys.sort();
}

export function readNarInfo(store: BinaryCacheStore, key: string): Promise<ScannedNarInfo> {
  return store.scanNarInfo(key.slice(0, -".narinfo".length));
}

/** Runs `work` over `items` with at most `jobs` in flight, keeping results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
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
