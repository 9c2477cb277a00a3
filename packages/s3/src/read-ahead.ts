// Reads the start of a streamed upload body, up to a limit, to learn whether the whole body fits in one PutObject
// (multipart-threshold); the bytes read are copied (a producer may reuse its buffers) and replayed before the rest.

export interface ReadAhead {
  /** The body ended within the limit: here it is, whole. */
  readonly whole?: Buffer;
  /** The body is longer than the limit: the copied start followed by the rest, to stream on. */
  readonly rest?: AsyncIterable<Uint8Array>;
}

/** Thrown for a failure of the caller's body while reading ahead, kept apart from S3 failures. */
export class ReadAheadFailure extends Error {
  override readonly name = "ReadAheadFailure";
}

/** Reads `body` until it ends (answers `whole`) or more than `limit` bytes arrived (answers `rest`). */
export async function readAhead(body: AsyncIterable<Uint8Array>, limit: number): Promise<ReadAhead> {
  const iterator = body[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    let step: IteratorResult<Uint8Array>;
    try {
      step = await iterator.next();
    } catch (error) {
      throw new ReadAheadFailure((error as Error)?.message ?? String(error), { cause: error });
    }
    if (step.done) return { whole: Buffer.concat(held, bytes) };
    held.push(Buffer.from(step.value));
    bytes += step.value.byteLength;
    if (bytes > limit) return { rest: replay(held, iterator) };
  }
}

async function* replay(held: Buffer[], iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    while (held.length > 0) yield held.shift()!;
    for (;;) {
      const step = await iterator.next();
      if (step.done) return;
      yield step.value;
    }
  } finally {
    await iterator.return?.();
  }
}
