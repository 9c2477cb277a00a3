// Batches the many small buffers a NAR writer emits (tokens, padding, tiny files) into larger chunks, so consumers
// (hashers, pipes, compressors) see few large writes; big chunks pass through without a copy. Memory: one batch.

const DEFAULT_BATCH_BYTES = 256 * 1024;

/** Re-chunks `source` so every yielded buffer is at least `batchBytes` long, except possibly the last. */
export async function* coalesceChunks(
  source: AsyncIterable<Buffer>,
  batchBytes: number = DEFAULT_BATCH_BYTES,
): AsyncGenerator<Buffer, void, undefined> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    if (chunk.length >= batchBytes && pendingBytes === 0) {
      yield chunk;
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= batchBytes) {
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
}
