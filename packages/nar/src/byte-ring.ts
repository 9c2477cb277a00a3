// A single-producer, single-consumer ring of byte records in a SharedArrayBuffer: how a dump worker hands NAR bytes
// to the thread that consumes them without a message per chunk. The writer blocks while the ring is full; the
// reader waits without blocking its event loop.

const WRITE = 0;
const READ = 1;
// Set while a side sleeps, so the other side pays for a wake-up call only when someone waits.
const WRITER_WAITING = 2;
const READER_WAITING = 3;
const CONTROL_BYTES = 64;
const HEADER = 4;

/** Record kinds other than data (data records have a positive length). */
export const RingMarker = { done: -2, error: -3, wrap: -4 } as const;

export type RingRecord =
  | { readonly kind: "data"; readonly bytes: Buffer }
  | { readonly kind: "done" }
  | { readonly kind: "error"; readonly payload: string };

/** A shared buffer for a ring holding `capacity` bytes (a power of two). */
export function createRingBuffer(capacity: number): SharedArrayBuffer {
  if (!Number.isInteger(Math.log2(capacity)) || capacity < 1024 || capacity > 2 ** 30) {
    throw new RangeError(`ring capacity must be a power of two between 1 KiB and 1 GiB, got ${capacity}`);
  }
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

class RingView {
  protected readonly control: Int32Array;
  protected readonly data: Buffer;
  protected readonly view: DataView;
  protected readonly capacity: number;

  constructor(shared: SharedArrayBuffer) {
    this.control = new Int32Array(shared, 0, 4);
    this.capacity = shared.byteLength - CONTROL_BYTES;
    this.data = Buffer.from(shared, CONTROL_BYTES, this.capacity);
    this.view = new DataView(shared, CONTROL_BYTES, this.capacity);
  }

  /** Bytes written and not yet released (positions are counters that may wrap around 2^32). */
  protected used(): number {
    return (Atomics.load(this.control, WRITE) - Atomics.load(this.control, READ)) >>> 0;
  }
}

/** The producer's side. Space handed out is only published by `commit`. */
export class RingWriter extends RingView {
  /** A contiguous view to fill, at least `min` and at most `max` bytes; waits while the ring is too full. */
  space(min: number, max: number): Buffer {
    if (min + HEADER > this.capacity / 2)
      throw new RangeError(`ring records of ${min} bytes do not fit a ${this.capacity}-byte ring`);
    let position = Atomics.load(this.control, WRITE) & (this.capacity - 1);
    const toEnd = this.capacity - position;
    if (toEnd < HEADER + min) {
      this.#waitForFree(toEnd);
      if (toEnd >= HEADER) this.view.setInt32(position, RingMarker.wrap, true);
      this.#advance(toEnd);
      position = 0;
    }
    const free = this.#waitForFree(HEADER + min);
    const length = Math.min(max, free - HEADER, this.capacity - position - HEADER);
    return this.data.subarray(position + HEADER, position + HEADER + length);
  }

  /** Publishes the first `length` bytes of the last space as one data record. */
  commit(length: number): void {
    if (length > 0) this.#publish(length, HEADER + length);
  }

  /** Copies `bytes` in as data records. */
  write(bytes: Uint8Array): void {
    for (let offset = 0; offset < bytes.length; ) {
      const target = this.space(1, bytes.length - offset);
      target.set(bytes.subarray(offset, offset + target.length));
      this.commit(target.length);
      offset += target.length;
    }
  }

  /** This writer has nothing more. */
  done(): void {
    this.space(0, 0);
    this.#publish(RingMarker.done, HEADER);
  }

  /** A failure carrying `payload` (text, cut to fit); the consumer rethrows it after the data before it. */
  error(payload: string): void {
    const bytes = Buffer.from(payload, "utf8").subarray(0, this.capacity / 4);
    const target = this.space(HEADER + bytes.length, HEADER + bytes.length);
    target.writeInt32LE(bytes.length, 0);
    bytes.copy(target, HEADER);
    this.#publish(RingMarker.error, 2 * HEADER + bytes.length);
  }

  /** Writes the header of the record at the write position (its body is already in place) and publishes it. */
  #publish(header: number, recordBytes: number): void {
    this.view.setInt32(Atomics.load(this.control, WRITE) & (this.capacity - 1), header, true);
    this.#advance(recordBytes);
  }

  #advance(bytes: number): void {
    Atomics.store(this.control, WRITE, (Atomics.load(this.control, WRITE) + bytes) | 0);
    if (Atomics.load(this.control, READER_WAITING) !== 0) Atomics.notify(this.control, WRITE);
  }

  /** Waits until `bytes` are free; returns how many are free. */
  #waitForFree(bytes: number): number {
    for (;;) {
      const read = Atomics.load(this.control, READ);
      const free = this.capacity - this.used();
      if (free >= bytes) return free;
      Atomics.store(this.control, WRITER_WAITING, 1);
      if (Atomics.load(this.control, READ) === read) Atomics.wait(this.control, READ, read, 1000);
      Atomics.store(this.control, WRITER_WAITING, 0);
    }
  }
}

/** The consumer's side: take a record, use it, release it. */
export class RingReader extends RingView {
  #pending = 0;

  /** The next record (the same one until released), or undefined when the writer has published nothing new. */
  next(): RingRecord | undefined {
    for (;;) {
      if (this.used() === 0) return undefined;
      const position = Atomics.load(this.control, READ) & (this.capacity - 1);
      const toEnd = this.capacity - position;
      const header = toEnd < HEADER ? RingMarker.wrap : this.view.getInt32(position, true);
      if (header === RingMarker.wrap) {
        this.#advance(toEnd);
        continue;
      }
      if (header > 0) {
        this.#pending = HEADER + header;
        return { kind: "data", bytes: this.data.subarray(position + HEADER, position + HEADER + header) };
      }
      if (header === RingMarker.error) {
        const length = this.view.getInt32(position + HEADER, true);
        this.#pending = 2 * HEADER + length;
        return {
          kind: "error",
          payload: this.data.toString("utf8", position + 2 * HEADER, position + 2 * HEADER + length),
        };
      }
      this.#pending = HEADER;
      if (header === RingMarker.done) return { kind: "done" };
      throw new Error(`internal: corrupt ring record header ${header} at ${position}`);
    }
  }

  /** Resolves when the writer publishes more (or after `timeoutMs`), without blocking the event loop. */
  async waitForData(timeoutMs: number): Promise<void> {
    const seen = Atomics.load(this.control, WRITE);
    Atomics.store(this.control, READER_WAITING, 1);
    try {
      if (this.used() !== 0) return;
      const result = waitAsync(this.control, WRITE, seen, timeoutMs);
      if (result.async) await result.value;
    } finally {
      Atomics.store(this.control, READER_WAITING, 0);
    }
  }

  /** Gives the last record's space back to the writer. */
  release(): void {
    this.#advance(this.#pending);
    this.#pending = 0;
  }

  #advance(bytes: number): void {
    Atomics.store(this.control, READ, (Atomics.load(this.control, READ) + bytes) | 0);
    if (Atomics.load(this.control, WRITER_WAITING) !== 0) Atomics.notify(this.control, READ);
  }
}
