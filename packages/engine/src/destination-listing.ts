// For bulk copies: one paginated listing of the destination answers "has a narinfo?" and "is the NAR stored?" for
// every path, instead of one request per path; skipped when the cache is too large for that to be the cheaper way.

import type { BlobStore, ListedNarObject } from "@narwhal/store";

/** Below this many paths, per-path existence requests are used (a listing is not worth it). */
export const LISTING_MIN_PATHS = 64;
/** A listing may read at most this many entries per path to check (about one 1000-key page per 8 paths). */
export const LISTING_ENTRIES_PER_PATH = 125;

const NARINFO_KEY = /^([0-9a-df-np-sv-z]{32})\.narinfo$/;

export class DestinationListing {
  readonly #narInfos: ReadonlySet<string>;
  readonly #nars: ReadonlyMap<string, number>;

  private constructor(narInfos: ReadonlySet<string>, nars: ReadonlyMap<string, number>) {
    this.#narInfos = narInfos;
    this.#nars = nars;
  }

  /**
   * Lists the whole destination when `pathCount` is large enough and the cache small enough (at most
   * `pathCount × LISTING_ENTRIES_PER_PATH` objects); undefined otherwise, or when the transport cannot list.
   */
  static async take(blobs: BlobStore, pathCount: number): Promise<DestinationListing | undefined> {
    if (pathCount < LISTING_MIN_PATHS) return undefined;
    const budget = pathCount * LISTING_ENTRIES_PER_PATH;
    const narInfos = new Set<string>();
    const nars = new Map<string, number>();
    let seen = 0;
    try {
      for await (const entry of blobs.list()) {
        if (++seen > budget) return undefined;
        const narInfo = NARINFO_KEY.exec(entry.key);
        if (narInfo !== null) narInfos.add(narInfo[1]!);
        else if (entry.key.startsWith("nar/")) nars.set(entry.key, entry.size);
      }
    } catch {
      return undefined; // e.g. http:// caches have no listing: fall back to per-path requests
    }
    return new DestinationListing(narInfos, nars);
  }

  hasNarInfo(hashPart: string): boolean {
    return this.#narInfos.has(hashPart);
  }

  narObject(key: string): ListedNarObject {
    const size = this.#nars.get(key);
    return size === undefined ? { exists: false } : { exists: true, size };
  }
}
