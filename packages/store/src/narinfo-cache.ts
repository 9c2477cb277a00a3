// The in-memory LRU of narinfo look-ups (`path-info-cache-size` entries), remembering misses too, so repeated
// queries for the same hash part cost no request. Size 0 disables it. A Map in use order is the whole LRU: it costs
// nothing up front (lru-cache preallocated its 65,536-entry tables on every start, ~10 ms of each command).

import type { NarInfo } from "@narwhal/store-path";

interface Entry {
  readonly info: NarInfo | undefined;
  /** This process wrote the narinfo (so it is younger than any GC grace period while the run lasts). */
  readonly written: boolean;
}

export class NarInfoCache {
  readonly #max: number;
  /** Least recently used first. */
  readonly #entries = new Map<string, Entry>();

  constructor(size: number) {
    this.#max = size;
  }

  /** `{info}` when the hash part was looked up before (info undefined = known absent), else undefined. */
  lookup(hashPart: string): Entry | undefined {
    const entry = this.#entries.get(hashPart);
    if (entry === undefined) return undefined;
    this.#entries.delete(hashPart);
    this.#entries.set(hashPart, entry);
    return entry;
  }

  remember(hashPart: string, info: NarInfo | undefined, written = false): void {
    if (this.#max <= 0) return;
    this.#entries.delete(hashPart);
    this.#entries.set(hashPart, { info, written });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(hashPart: string): void {
    this.#entries.delete(hashPart);
  }

  get size(): number {
    return this.#entries.size;
  }
}
