// The in-memory LRU of narinfo look-ups (`path-info-cache-size` entries), remembering misses too, so repeated
// queries for the same hash part cost no request. Size 0 disables it.

import { LRUCache } from "lru-cache";
import type { NarInfo } from "@narwhal/store-path";

interface Entry {
  readonly info: NarInfo | undefined;
}

export class NarInfoCache {
  readonly #lru: LRUCache<string, Entry> | undefined;

  constructor(size: number) {
    this.#lru = size > 0 ? new LRUCache<string, Entry>({ max: size }) : undefined;
  }

  /** `{info}` when the hash part was looked up before (info undefined = known absent), else undefined. */
  lookup(hashPart: string): Entry | undefined {
    return this.#lru?.get(hashPart);
  }

  remember(hashPart: string, info: NarInfo | undefined): void {
    this.#lru?.set(hashPart, { info });
  }

  forget(hashPart: string): void {
    this.#lru?.delete(hashPart);
  }

  get size(): number {
    return this.#lru?.size ?? 0;
  }
}
