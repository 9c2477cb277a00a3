// How many compression threads run at once in this process: one slot per core, taken by each stream for the
// threads its encoder uses, first come first served. Without it, four paths compressing xz at once on two cores
// ran four encoders whose tables (~94 MiB each at -6) evicted each other from the caches: measured on 60 paths
// (236 MB of NAR) to file://, 77 s of CPU against 65 s with two at a time, for the same output.

import { availableParallelism } from "node:os";
import type { Codec } from "./codec.js";

/** A counting semaphore of CPU slots, granted in request order (a two-thread stream is not starved by one-thread ones). */
export class CompressionSlots {
  #capacity: number;
  #inUse = 0;
  readonly #waiting: { count: number; grant: () => void }[] = [];

  constructor(capacity: number) {
    this.#capacity = validCapacity(capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Slots held right now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Changes the number of slots (waiting requests are granted if they now fit). */
  resize(capacity: number): void {
    this.#capacity = validCapacity(capacity);
    this.#grantWaiting();
  }

  /** Waits for `count` slots (at most the capacity); resolves to the function that gives them back, once. */
  async acquire(count: number): Promise<() => void> {
    const wanted = Math.max(1, Math.min(Math.floor(count), this.#capacity));
    if (this.#waiting.length > 0 || this.#inUse + wanted > this.#capacity) {
      await new Promise<void>((grant) => this.#waiting.push({ count: wanted, grant }));
    } else {
      this.#inUse += wanted;
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#inUse -= wanted;
      this.#grantWaiting();
    };
  }

  #grantWaiting(): void {
    for (;;) {
      const next = this.#waiting[0];
      if (next === undefined) return;
      const wanted = Math.min(next.count, this.#capacity);
      if (this.#inUse + wanted > this.#capacity) return;
      this.#waiting.shift();
      next.count = wanted;
      this.#inUse += wanted;
      next.grant();
    }
  }
}

function validCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`compression slots must be a positive integer, got ${capacity}`);
  return capacity;
}

/** The process's slots: one per core, or NARWHAL_COMPRESSION_SLOTS. */
export const compressionSlots = new CompressionSlots(slotsFromEnvironment() ?? Math.max(1, availableParallelism()));

function slotsFromEnvironment(): number | undefined {
  const text = process.env.NARWHAL_COMPRESSION_SLOTS;
  if (text === undefined || text === "") return undefined;
  const slots = Number(text);
  if (!Number.isInteger(slots) || slots < 1)
    throw new RangeError(`NARWHAL_COMPRESSION_SLOTS must be a positive integer, got ${JSON.stringify(text)}`);
  return slots;
}

/**
 * The output of `compressed()` (a stream through `codec`'s own encoder using `threads` threads), holding that many
 * slots from its first byte asked for until it ends or is abandoned; none for a codec that bounds its own threads.
 */
export function withCompressionSlots(
  codec: Codec,
  threads: number,
  compressed: () => AsyncIterable<Buffer>,
): AsyncIterable<Buffer> {
  return codec.boundsOwnThreads === true ? compressed() : holdingSlots(threads, compressed);
}

async function* holdingSlots(
  threads: number,
  compressed: () => AsyncIterable<Buffer>,
): AsyncGenerator<Buffer, void, undefined> {
  const release = await compressionSlots.acquire(threads);
  try {
    yield* compressed();
  } finally {
    release();
  }
}
