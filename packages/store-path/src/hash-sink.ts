// Incremental hashing for streamed data (every algorithm, BLAKE3 included): feed chunks (or a whole async iterable)
// and get the Hash plus the number of bytes seen, or pass chunks through unchanged while hashing them on the way.

import { type Digester, createDigester } from "./digest.js";
import { Hash } from "./hash.js";
import type { HashAlgorithm } from "./hash-algorithm.js";

export interface HashResult {
  hash: Hash;
  /** Total number of bytes hashed. */
  size: number;
}

export class HashSink {
  readonly algorithm: HashAlgorithm;
  #hasher: Digester;
  #size = 0;
  #finished = false;

  constructor(algorithm: HashAlgorithm) {
    this.algorithm = algorithm;
    this.#hasher = createDigester(algorithm);
  }

  get size(): number {
    return this.#size;
  }

  update(chunk: Uint8Array): this {
    if (this.#finished)
      throw new Error(`HashSink(${this.algorithm}) already finished; update() is not allowed after finish()`);
    this.#hasher.update(chunk);
    this.#size += chunk.length;
    return this;
  }

  finish(): HashResult {
    if (this.#finished) throw new Error(`HashSink(${this.algorithm}) already finished; finish() may be called once`);
    this.#finished = true;
    return { hash: new Hash(this.algorithm, this.#hasher.digest()), size: this.#size };
  }

  /** Hashes every chunk of `source` and finishes. */
  async consume(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<HashResult> {
    for await (const chunk of source) this.update(chunk);
    return this.finish();
  }

  /** Yields the chunks of `source` unchanged while hashing them; call finish() after the iteration ends. */
  async *passThrough(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.update(chunk);
      yield chunk;
    }
  }
}

export function createHasher(algorithm: HashAlgorithm): HashSink {
  return new HashSink(algorithm);
}

/** Hashes a whole (async) iterable of chunks. */
export function hashStream(
  algorithm: HashAlgorithm,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<HashResult> {
  return new HashSink(algorithm).consume(source);
}
