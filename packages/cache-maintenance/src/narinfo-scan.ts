// Reads the narinfos of a cache straight from its blobs (no signature policy): which keys to look at (--all or
// given paths), and each one parsed or the reason it is unreadable. Shared by verify, sign and gc.

import type { BinaryCacheStore } from "@narwhal/store";
import { narInfoFileFor, parseNarInfo, type NarInfo } from "@narwhal/store-path";
import { messageOf } from "./errors.js";

export type ScannedNarInfo =
  | { readonly key: string; readonly hashPart: string; readonly info: NarInfo; readonly text: string }
  | { readonly key: string; readonly hashPart: string; readonly info?: undefined; readonly problem: string; readonly missing: boolean };

/** Narinfo keys of `paths`, or of every narinfo in the cache when `paths` is undefined. */
export async function narInfoKeys(store: BinaryCacheStore, paths: readonly string[] | undefined): Promise<string[]> {
  if (paths !== undefined) return paths.map((path) => narInfoFileFor(store.parsePath(path)));
  const keys: string[] = [];
  for await (const hashPart of store.listNarInfos()) keys.push(`${hashPart}.narinfo`);
  return keys.sort();
}

export async function readNarInfo(store: BinaryCacheStore, key: string): Promise<ScannedNarInfo> {
  const hashPart = key.slice(0, -".narinfo".length);
  let text: string;
  try {
    const object = await store.blobs.get(key);
    if (object === undefined) return { key, hashPart, problem: `'${key}' does not exist in ${store.url}`, missing: true };
    const chunks: Buffer[] = [];
    for await (const chunk of object.body) chunks.push(chunk);
    text = Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    return { key, hashPart, problem: `cannot read '${key}' in ${store.url}: ${messageOf(error)}`, missing: false };
  }
  try {
    const info = parseNarInfo(text, { storeDir: store.settings.store, expectedHashPart: hashPart, source: `${key} in ${store.url}` });
    return { key, hashPart, info, text };
  } catch (error) {
    return { key, hashPart, problem: `narinfo '${key}' in ${store.url} is corrupt: ${messageOf(error)}`, missing: false };
  }
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
