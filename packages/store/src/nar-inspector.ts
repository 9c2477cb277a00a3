// Parses a NAR while it streams past on its way to the compressor: chunks are pushed in, the strict parser
// builds the listing concurrently, and a malformed NAR fails the push so the upload aborts.

import { listNar, type NarListing } from "@narwhal/nar";

const MAX_QUEUED_CHUNKS = 8;

export class NarInspector {
  readonly #queue: Buffer[] = [];
  #closed = false;
  #failure: unknown;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  readonly #listing: Promise<NarListing>;

  constructor() {
    this.#listing = listNar(this.#chunks());
    this.#listing.catch((error: unknown) => {
      this.#failure = error;
      this.#wakeProducer?.();
    });
  }

  /** Hands one chunk to the parser; waits while the parser is behind; throws the parser's error, if any. */
  async push(chunk: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    this.#queue.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#wakeConsumer?.();
    while (this.#queue.length > MAX_QUEUED_CHUNKS && this.#failure === undefined) {
      await new Promise<void>((resolve) => (this.#wakeProducer = resolve));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Ends the input and returns the listing (or the parser's error, e.g. a truncated NAR). */
  finish(): Promise<NarListing> {
    this.#closed = true;
    this.#wakeConsumer?.();
    return this.#listing;
  }

  async *#chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        if (this.#queue.length <= MAX_QUEUED_CHUNKS) this.#wakeProducer?.();
        yield chunk;
      } else if (this.#closed) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
      }
    }
  }
}
