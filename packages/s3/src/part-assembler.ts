// Cuts an upload body into multipart parts of the sizes a schedule gives (the last one shorter): in-memory bodies as
// views without copying, streamed bodies copied once into reusable part buffers; tells which part is the last.

export interface AssembledPart {
  /** The part's bytes (a view of `buffer`, or of the caller's in-memory body). */
  readonly bytes: Buffer;
  /** The pooled buffer to give back with `PartBufferPool.release` once the part is sent (undefined for views). */
  readonly buffer: Buffer | undefined;
  /** True for the final part: the body ended with it. */
  readonly last: boolean;
}

/** A failure of the caller's body (its iterator threw), kept apart from S3 failures. */
export class BodyReadFailure extends Error {
  override readonly name = "BodyReadFailure";
}

/** The size of part `partNumber` (1-based) of one upload. */
export type PartSizes = (partNumber: number) => number;

/**
 * Part buffers handed out and taken back, so uploads reuse the same few buffers instead of faulting in fresh
 * memory for every part. It keeps buffers of one size, the last size asked for, and at most `keep` of them.
 */
export class PartBufferPool {
  #size = 0;
  readonly #free: Buffer[] = [];
  readonly #keep: number;

  constructor(keep: number) {
    this.#keep = keep;
  }

  take(size: number): Buffer {
    if (size !== this.#size) {
      this.#free.length = 0;
      this.#size = size;
    }
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(size);
  }

  release(buffer: Buffer | undefined): void {
    if (buffer !== undefined && buffer.length === this.#size && this.#free.length < this.#keep) this.#free.push(buffer);
  }
}

function* viewsOf(body: Uint8Array, sizes: PartSizes): Generator<AssembledPart> {
  const whole = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (whole.byteLength === 0) {
    yield { bytes: whole, buffer: undefined, last: true };
    return;
  }
  for (let offset = 0, partNumber = 1; offset < whole.byteLength; partNumber += 1) {
    const end = Math.min(offset + sizes(partNumber), whole.byteLength);
    yield { bytes: whole.subarray(offset, end), buffer: undefined, last: end === whole.byteLength };
    offset = end;
  }
}

async function* copiedFrom(
  source: AsyncIterable<Uint8Array>,
  sizes: PartSizes,
  pool: PartBufferPool,
): AsyncGenerator<AssembledPart> {
  const iterator = source[Symbol.asyncIterator]();
  let piece: Uint8Array | undefined;
  let pieceOffset = 0;
  let ended = false;
  /** Makes `piece` hold unread bytes; false once the body has ended. */
  const pull = async (): Promise<boolean> => {
    while (piece === undefined || pieceOffset >= piece.byteLength) {
      if (ended) return false;
      let step: IteratorResult<Uint8Array>;
      try {
        step = await iterator.next();
      } catch (error) {
        throw new BodyReadFailure((error as Error)?.message ?? String(error), { cause: error });
      }
      if (step.done) {
        ended = true;
        piece = undefined;
        return false;
      }
      piece = step.value;
      pieceOffset = 0;
    }
    return true;
  };
  try {
    for (let partNumber = 1; ; partNumber += 1) {
      const partSize = sizes(partNumber);
      const buffer = pool.take(partSize);
      let filled = 0;
      while (filled < partSize && (await pull())) {
        const current = piece!;
        const count = Math.min(partSize - filled, current.byteLength - pieceOffset);
        buffer.set(current.subarray(pieceOffset, pieceOffset + count), filled);
        filled += count;
        pieceOffset += count;
      }
      const last = !(await pull());
      yield { bytes: buffer.subarray(0, filled), buffer, last };
      if (last) return;
    }
  } finally {
    if (!ended) await iterator.return?.();
  }
}

/** The parts of `body` in order; the last one has `last: true` (an empty body is one empty last part). */
export function assembleParts(
  body: Uint8Array | AsyncIterable<Uint8Array>,
  sizes: PartSizes,
  pool: PartBufferPool,
): AsyncIterable<AssembledPart> | Iterable<AssembledPart> {
  return body instanceof Uint8Array ? viewsOf(body, sizes) : copiedFrom(body, sizes, pool);
}
