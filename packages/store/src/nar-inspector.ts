// Parses a NAR while it streams past (to the compressor, or to whoever reads it from the cache): chunks are pushed
// in, a consumer (the strict parser building the listing, a content-address proof) reads them concurrently, and a
// malformed NAR fails the push so the upload or read fails.

const MAX_QUEUED_CHUNKS = 8;

export class NarInspector<T> {
  readonly #queue: Buffer[] = [];
  #closed = false;
  #failure: unknown;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;
  readonly #result: Promise<T>;

  /** `consume` reads the pushed chunks (e.g. `listNar`); its result is what finish() returns. */
  constructor(consume: (chunks: AsyncIterable<Buffer>) => Promise<T>) {
    this.#result = consume(this.#chunks());
    this.#result.catch((error: unknown) => {
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

  /** Ends the input and returns the consumer's result (or its error, e.g. a truncated NAR). */
  finish(): Promise<T> {
    this.#closed = true;
    this.#wakeConsumer?.();
    return this.#result;
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
