// Parallel chunked compression: cuts the input into independent chunks, compresses up to `concurrency` of them
// at once, and emits the compressed pieces in input order. At most `concurrency` chunks are in flight plus the
// one being filled, and nothing new is read until the consumer takes the oldest result (back-pressure).

import { rechunk } from "./rechunk.js";

export type ChunkCompressor = (chunk: Buffer) => Promise<Buffer>;

export async function* compressChunksInOrder(
  source: AsyncIterable<Uint8Array>,
  chunkSize: number,
  concurrency: number,
  compressChunk: ChunkCompressor,
): AsyncGenerator<Buffer> {
  const inFlight: Promise<Buffer>[] = [];
  const start = (chunk: Buffer) => {
    const pending = compressChunk(chunk);
    pending.catch(() => undefined); // observed when awaited in order below
    inFlight.push(pending);
  };
  let sawInput = false;
  for await (const chunk of rechunk(source, chunkSize)) {
    sawInput = true;
    start(chunk);
    if (inFlight.length >= concurrency) yield await (inFlight.shift() as Promise<Buffer>);
  }
  // An empty input still needs one valid (empty) stream so the result decodes.
  if (!sawInput) start(Buffer.alloc(0));
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Buffer>);
}
