// A corpus of NARs from a binary cache (any URL the store opens: s3://, file://, http(s)://): the named paths, or
// a sample of N paths taken from the cache's listing. Every NAR comes through BinaryCacheStore.narFromPath, so it
// is trusted, decompressed and hash-checked; a NAR that fails its check fails the run.

import type { BinaryCacheStore } from "@narwhal/store";
import { CodecBenchError } from "./bench-error.js";
import type { Corpus } from "./bench-input.js";

export interface CacheCorpusOptions {
  /** Store paths to take; when empty, `sample` paths are taken from the cache's listing. */
  readonly paths?: readonly string[];
  /** How many paths to sample from the listing (default 20). */
  readonly sample?: number;
}

/**
 * The `count` smallest narinfo hash parts of the listing: hash parts are uniformly distributed, so these are a
 * random sample that is the same on every run, kept in O(count) memory however large the cache.
 */
export async function sampleHashParts(hashParts: AsyncIterable<string>, count: number): Promise<string[]> {
  const kept: string[] = [];
  for await (const hashPart of hashParts) {
    if (kept.length === count && hashPart >= kept[count - 1]!) continue;
    let at = kept.findIndex((other) => hashPart < other);
    if (at < 0) at = kept.length;
    if (kept[at - 1] === hashPart) continue;
    kept.splice(at, 0, hashPart);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

export function cacheCorpus(store: BinaryCacheStore, options: CacheCorpusOptions = {}): Corpus {
  const sample = options.sample ?? 20;
  if (!Number.isInteger(sample) || sample < 1)
    throw new CodecBenchError(
      "INVALID_OPTION",
      String(sample),
      `sample size ${String(sample)} must be an integer >= 1`,
    );
  const paths = options.paths ?? [];
  return {
    description:
      paths.length > 0 ? `${paths.length} NARs from ${store.url}` : `a sample of ${sample} NARs from ${store.url}`,
    async *items() {
      if (paths.length > 0) {
        for (const path of paths) yield { name: path, bytes: store.narFromPath(path), verifiedAtEnd: true };
        return;
      }
      let hashParts: string[];
      try {
        hashParts = await sampleHashParts(store.listNarInfos(), sample);
      } catch (error) {
        throw new CodecBenchError(
          "CACHE_NOT_LISTABLE",
          store.url,
          `cannot list the narinfos of ${store.url} to take a sample (${error instanceof Error ? error.message : String(error)}); name the store paths to measure instead`,
          { cause: error },
        );
      }
      if (hashParts.length === 0)
        throw new CodecBenchError("EMPTY_CORPUS", store.url, `${store.url} has no narinfos to take a sample from`);
      for (const hashPart of hashParts) {
        const scanned = await store.scanNarInfo(hashPart, { throwOnProblem: true });
        if (scanned.info === undefined) continue; // deleted since it was listed
        yield { name: scanned.info.storePath.path, bytes: store.narFromPath(scanned.info), verifiedAtEnd: true };
      }
    },
  };
}
