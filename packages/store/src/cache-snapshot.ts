// For bulk copies: one paginated listing of the cache answers "has a narinfo?" and "is the NAR object stored?" for
// every path, instead of one request per path; not taken when the cache is too large for that to be cheaper.

import type { ListedNarObject } from "./nar-upload.js";

/** Below this many paths, per-path existence requests are used (a listing is not worth it). */
export const SNAPSHOT_MIN_PATHS = 64;
/** A snapshot may read at most this many entries per path to check (about one 1000-key page per 8 paths). */
export const SNAPSHOT_ENTRIES_PER_PATH = 125;

export class CacheSnapshot {
  readonly #narInfos: ReadonlySet<string>;
  readonly #nars: ReadonlyMap<string, number>;

  private constructor(narInfos: ReadonlySet<string>, nars: ReadonlyMap<string, number>) {
    this.#narInfos = narInfos;
    this.#nars = nars;
  }

  /**
   * Lists the cache when `pathCount` is large enough and the cache small enough (at most
   * `pathCount × SNAPSHOT_ENTRIES_PER_PATH` objects); undefined otherwise, or when the transport cannot list.
   */
  static async take(
    objects: AsyncIterable<{
      readonly key: string;
      readonly size: number;
      readonly kind: string;
      readonly hashPart?: string;
    }>,
    pathCount: number,
  ): Promise<CacheSnapshot | undefined> {
    if (pathCount < SNAPSHOT_MIN_PATHS) return undefined;
    const budget = pathCount * SNAPSHOT_ENTRIES_PER_PATH;
    const narInfos = new Set<string>();
    const nars = new Map<string, number>();
    let seen = 0;
    try {
      for await (const object of objects) {
        if (++seen > budget) return undefined;
        if (object.kind === "narinfo") narInfos.add(object.hashPart!);
        else if (object.kind === "nar") nars.set(object.key, object.size);
      }
    } catch {
      return undefined; // e.g. http:// caches have no listing: fall back to per-path requests
    }
    return new CacheSnapshot(narInfos, nars);
  }

  hasNarInfo(hashPart: string): boolean {
    return this.#narInfos.has(hashPart);
  }

  narObject(key: string): ListedNarObject {
    const size = this.#nars.get(key);
    return size === undefined ? { exists: false } : { exists: true, size };
  }
}
