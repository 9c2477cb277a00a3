// A transport wrapper for the GC race tests: puts of chosen keys wait at a gate the test opens, and the test can
// await the moment a put reached the gate, completed, or a listing of the GC notices found one. It changes no
// bytes; every call goes to the real transport underneath (Ceph RGW).

import { BinaryCacheStore, openBlobStore } from "@narwhal/store";
import { parseStoreUrl } from "@narwhal/store-url";

type BlobStore = Awaited<ReturnType<typeof openBlobStore>>;

interface Signal {
  readonly promise: Promise<void>;
  fire(): void;
}

function signal(): Signal {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/** Puts of keys that `holds` matches wait until `open()`. */
export class Gate {
  readonly #opened = signal();
  readonly #reached = new Map<string, Signal>();
  readonly #done = new Map<string, Signal>();
  readonly #any = signal();
  constructor(readonly holds: (key: string) => boolean) {}

  open(): void {
    this.#opened.fire();
  }

  get opened(): Promise<void> {
    return this.#opened.promise;
  }

  /** Resolves once any put is waiting at the gate. */
  get anyReached(): Promise<void> {
    return this.#any.promise;
  }

  /** Resolves once a put of `key` is waiting at (or went through) the gate. */
  reached(key: string): Promise<void> {
    return this.#signal(this.#reached, key).promise;
  }

  /** Resolves once a put of `key` that passed the gate completed. */
  done(key: string): Promise<void> {
    return this.#signal(this.#done, key).promise;
  }

  markReached(key: string): void {
    this.#any.fire();
    this.#signal(this.#reached, key).fire();
  }

  markDone(key: string): void {
    this.#signal(this.#done, key).fire();
  }

  #signal(map: Map<string, Signal>, key: string): Signal {
    let found = map.get(key);
    if (found === undefined) map.set(key, (found = signal()));
    return found;
  }
}

export class GatedBlobStore implements BlobStore {
  readonly #inner: BlobStore;
  readonly #gates: Gate[] = [];
  #noticeListings = 0;
  readonly #noticeWaits: Array<{ readonly count: number; readonly reached: Signal }> = [];

  constructor(inner: BlobStore) {
    this.#inner = inner;
  }

  get url(): string {
    return this.#inner.url;
  }

  get multipart(): BlobStore["multipart"] {
    return this.#inner.multipart;
  }

  /** From now on, puts of matching keys wait until the gate is opened. */
  gate(holds: (key: string) => boolean): Gate {
    const gate = new Gate(holds);
    this.#gates.push(gate);
    return gate;
  }

  /** Resolves once `count` listings of the GC notices found at least one notice. */
  noticeListings(count: number): Promise<void> {
    const reached = signal();
    if (this.#noticeListings >= count) reached.fire();
    else this.#noticeWaits.push({ count, reached });
    return reached.promise;
  }

  exists(key: string): ReturnType<BlobStore["exists"]> {
    return this.#inner.exists(key);
  }

  head(key: string): ReturnType<BlobStore["head"]> {
    return this.#inner.head(key);
  }

  get(...args: Parameters<BlobStore["get"]>): ReturnType<BlobStore["get"]> {
    return this.#inner.get(...args);
  }

  async put(...args: Parameters<BlobStore["put"]>): Promise<unknown> {
    const [key] = args;
    const gates = this.#gates.filter((gate) => gate.holds(key));
    for (const gate of gates) {
      gate.markReached(key);
      await gate.opened;
    }
    const result = await this.#inner.put(...args);
    for (const gate of gates) gate.markDone(key);
    return result;
  }

  async *list(prefix?: string): ReturnType<BlobStore["list"]> {
    let count = 0;
    for await (const entry of this.#inner.list(prefix)) {
      count++;
      yield entry;
    }
    if (prefix === "narwhal-gc/" && count > 0) {
      this.#noticeListings++;
      for (const wait of this.#noticeWaits) if (this.#noticeListings >= wait.count) wait.reached.fire();
    }
  }

  delete(key: string): Promise<void> {
    return this.#inner.delete(key);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** A BinaryCacheStore on `url` over a GatedBlobStore, as `narwhal copy` would open it (no signatures required). */
export async function gatedStore(url: string): Promise<{ store: BinaryCacheStore; blobs: GatedBlobStore }> {
  const parsed = parseStoreUrl(url);
  const blobs = new GatedBlobStore(await openBlobStore(parsed));
  const store = new BinaryCacheStore(blobs, parsed.settings, { requireSigs: false, explicit: parsed.explicit, url });
  await store.init({ create: false });
  return { store, blobs };
}
