// Pulls bytes from an async chunk stream while tracking the absolute NAR offset; frames tokens and checks padding.
// Never buffers more than one bounded token: callers pass a limit before any length-prefixed read allocates.

import { NarError, describeBytes } from "./errors.js";
import { paddingLength } from "./nar-format.js";

const EMPTY = Buffer.alloc(0);
/** The largest high 32-bit word of a u64 length that is still at most Number.MAX_SAFE_INTEGER (2^53 - 1). */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

export class NarReader {
  #iterator: AsyncIterator<Uint8Array>;
  #chunk: Buffer = EMPTY;
  #position = 0;
  #offset = 0;
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.#iterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : toAsyncIterator((source as Iterable<Uint8Array>)[Symbol.iterator]());
  }

  /** Number of NAR bytes consumed so far. */
  get offset(): number {
    return this.#offset;
  }

  /** Ensure at least one unread byte is buffered; false at end of input. */
  async #fill(): Promise<boolean> {
    while (this.#position >= this.#chunk.length) {
      if (this.#ended) return false;
      const next = await this.#iterator.next();
      if (next.done) {
        this.#ended = true;
        this.#chunk = EMPTY;
        this.#position = 0;
        return false;
      }
      const value = next.value;
      this.#chunk = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      this.#position = 0;
    }
    return true;
  }

  #truncated(): NarError {
    return new NarError("NAR_TRUNCATED", `unexpected end of NAR at offset ${this.#offset}`, { offset: this.#offset });
  }

  /** Read exactly `length` bytes (callers bound `length` first). */
  async readExact(length: number): Promise<Buffer> {
    if (length === 0) return EMPTY;
    if (!(await this.#fill())) throw this.#truncated();
    if (this.#chunk.length - this.#position >= length) {
      const out = this.#chunk.subarray(this.#position, this.#position + length);
      this.#position += length;
      this.#offset += length;
      return out;
    }
    const out = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      if (!(await this.#fill())) throw this.#truncated();
      const take = Math.min(length - filled, this.#chunk.length - this.#position);
      this.#chunk.copy(out, filled, this.#position, this.#position + take);
      this.#position += take;
      this.#offset += take;
      filled += take;
    }
    return out;
  }

  /** Read a u64 little-endian length; refuses values above Number.MAX_SAFE_INTEGER. */
  readLength(): number | Promise<number> {
    const start = this.#offset;
    const chunk = this.#chunk;
    const at = this.#position;
    if (chunk.length - at >= 8) {
      // Two 32-bit halves: a BigInt per length was a measurable share of parsing a NAR of many small files.
      const high = chunk.readUInt32LE(at + 4);
      if (high > MAX_SAFE_HIGH_WORD) return checkedLength(chunk.readBigUInt64LE(at), start);
      this.#position += 8;
      this.#offset += 8;
      return high * 2 ** 32 + chunk.readUInt32LE(at);
    }
    return this.#readU64().then((value) => checkedLength(value, start));
  }

  async #readU64(): Promise<bigint> {
    return (await this.readExact(8)).readBigUInt64LE(0);
  }

  /** Consume the zero padding that follows a payload of `payloadLength` bytes; any non-zero byte is refused. */
  readPadding(payloadLength: number): void | Promise<void> {
    const count = paddingLength(payloadLength);
    if (count === 0) return;
    const start = this.#offset;
    if (this.#chunk.length - this.#position >= count) {
      checkPaddingIn(this.#chunk, this.#position, this.#position + count, start);
      this.#position += count;
      this.#offset += count;
      return;
    }
    return this.readExact(count).then((padding) => checkPaddingIn(padding, 0, padding.length, start));
  }

  /**
   * Read one length-prefixed string token whose payload may be at most `limit` bytes.
   * `onTooLong` builds the error for an over-long value (called before anything is allocated).
   */
  readString(
    limit: number,
    onTooLong: (length: number | bigint, offset: number) => NarError,
  ): Buffer | Promise<Buffer> {
    return this.#readBufferedString(limit, onTooLong, true) ?? this.#readString(limit, onTooLong);
  }

  /** readString for a token that is only looked at, not kept: when buffered, a view of the input, not a copy. */
  readTransientString(
    limit: number,
    onTooLong: (length: number | bigint, offset: number) => NarError,
  ): Buffer | Promise<Buffer> {
    return this.#readBufferedString(limit, onTooLong, false) ?? this.#readString(limit, onTooLong);
  }

  /**
   * readString without waiting when the whole token (length, payload, padding) is already buffered: the common case,
   * and most of a NAR's tokens; undefined, having consumed nothing, otherwise. Same checks, same errors.
   */
  #readBufferedString(
    limit: number,
    onTooLong: (length: number | bigint, offset: number) => NarError,
    copy: boolean,
  ): Buffer | undefined {
    const chunk = this.#chunk;
    const at = this.#position;
    const available = chunk.length - at;
    if (available < 8) return undefined;
    const low = chunk.readUInt32LE(at);
    if (chunk.readUInt32LE(at + 4) !== 0 || low > limit) throw onTooLong(chunk.readBigUInt64LE(at), this.#offset);
    const padded = low + paddingLength(low);
    if (available < 8 + padded) return undefined;
    const view = chunk.subarray(at + 8, at + 8 + low);
    const value = copy ? Buffer.from(view) : view;
    checkPaddingIn(chunk, at + 8 + low, at + 8 + padded, this.#offset + 8 + low);
    this.#position += 8 + padded;
    this.#offset += 8 + padded;
    return value;
  }

  /**
   * When the next token is wholly buffered and equals one of `candidates` (ASCII tokens of at most `limit` bytes):
   * that candidate, with the token consumed (its padding checked). Otherwise undefined and nothing consumed; the
   * caller reads the token the usual way, which waits for input or reports what the token is.
   */
  matchBufferedToken(candidates: readonly string[], limit: number): string | undefined {
    for (const candidate of candidates) if (this.takeBufferedToken(candidate, limit)) return candidate;
    return undefined;
  }

  /** matchBufferedToken for one candidate: true when the next token is wholly buffered and is `token` (consumed). */
  takeBufferedToken(token: string, limit: number): boolean {
    const chunk = this.#chunk;
    const at = this.#position;
    const length = token.length;
    if (length > limit || chunk.length - at < 8) return false;
    if (chunk.readUInt32LE(at) !== length || chunk.readUInt32LE(at + 4) !== 0) return false;
    const padded = length + paddingLength(length);
    if (chunk.length - at < 8 + padded) return false;
    for (let index = 0; index < length; index++) if (chunk[at + 8 + index] !== token.charCodeAt(index)) return false;
    checkPaddingIn(chunk, at + 8 + length, at + 8 + padded, this.#offset + 8 + length);
    this.#position += 8 + padded;
    this.#offset += 8 + padded;
    return true;
  }

  async #readString(limit: number, onTooLong: (length: number | bigint, offset: number) => NarError): Promise<Buffer> {
    const start = this.#offset;
    // Compare before narrowing to a JS number, so a huge length reads as "too long" rather than "overflow".
    const wide = await this.#readU64();
    if (wide > BigInt(limit)) throw onTooLong(wide, start);
    const length = Number(wide);
    // Copy so a kept name or target does not pin the (possibly large) input chunk it was sliced from.
    const value = Buffer.from(await this.readExact(length));
    await this.readPadding(length);
    return value;
  }

  /** The next `length` bytes as a view of the current chunk when it holds them all (consumed), else undefined. */
  takeBuffered(length: number): Buffer | undefined {
    if (this.#chunk.length - this.#position < length) return undefined;
    const out = this.#chunk.subarray(this.#position, this.#position + length);
    this.#position += length;
    this.#offset += length;
    return out;
  }

  /** Yield up to `length` bytes as chunks without copying; stops early if the consumer stops. */
  async *readChunks(length: number, maxChunk = 1 << 20): AsyncGenerator<Buffer, void, undefined> {
    let remaining = length;
    while (remaining > 0) {
      if (!(await this.#fill())) throw this.#truncated();
      const take = Math.min(remaining, maxChunk, this.#chunk.length - this.#position);
      const out = this.#chunk.subarray(this.#position, this.#position + take);
      this.#position += take;
      this.#offset += take;
      remaining -= take;
      yield out;
    }
  }

  /** Discard exactly `length` bytes. */
  async skip(length: number): Promise<void> {
    let remaining = length;
    while (remaining > 0) {
      if (!(await this.#fill())) throw this.#truncated();
      const take = Math.min(remaining, this.#chunk.length - this.#position);
      this.#position += take;
      this.#offset += take;
      remaining -= take;
    }
  }

  /** True when no input bytes remain. */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill());
  }

  /** Release the underlying stream early (e.g. after an error). */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#iterator.return?.();
  }
}

function toAsyncIterator(iterator: Iterator<Uint8Array>): AsyncIterator<Uint8Array> {
  return {
    next: async () => iterator.next(),
    return: async () => iterator.return?.() ?? { done: true, value: undefined },
  };
}

function checkedLength(value: bigint, start: number): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NarError(
      "NAR_LENGTH_OVERFLOW",
      `length ${value} at offset ${start} exceeds the largest supported length ${Number.MAX_SAFE_INTEGER}`,
      { offset: start },
    );
  }
  return Number(value);
}

/** Refuses non-zero padding in bytes [from, to) of `chunk`, without a view of them (one per token was a cost of its own). */
function checkPaddingIn(chunk: Buffer, from: number, to: number, start: number): void {
  let nonZero = 0;
  for (let index = from; index < to; index++) nonZero |= chunk[index]!;
  if (nonZero !== 0) {
    const padding = chunk.subarray(from, to);
    throw new NarError(
      "NAR_NONZERO_PADDING",
      `non-zero padding ${describeBytes(padding)} at offset ${start}; padding bytes must be zero`,
      { offset: start },
    );
  }
}
