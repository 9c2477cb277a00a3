// Batches the many small buffers a NAR writer emits (tokens, padding, tiny files) into larger chunks, so consumers
// (hashers, pipes, compressors) see few large writes; big chunks pass through without a copy. Memory: one batch.

const DEFAULT_BATCH_BYTES = 256 * 1024;

/**
 * Re-chunks `source` so small buffers are joined into batches of about `batchBytes`; a buffer of `batchBytes` or more
 * passes through as it is (after the pending batch, which may then be shorter).
 */
export async function* coalesceChunks(
  source: AsyncIterable<Buffer>,
  batchBytes: number = DEFAULT_BATCH_BYTES,
  options: { copyKept?: boolean } = {},
): AsyncGenerator<Buffer, void, undefined> {
  // copyKept: the source reuses its buffers, so a chunk held back for the next batch must be copied now.
  const keep = options.copyKept === true ? (chunk: Buffer) => Buffer.from(chunk) : (chunk: Buffer) => chunk;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    if (chunk.length >= batchBytes) {
      // A big chunk is never copied: flush what is pending (small, so a cheap copy), then pass the chunk through.
      if (pendingBytes > 0) {
        yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
      yield chunk;
      continue;
    }
    pendingBytes += chunk.length;
    if (pendingBytes >= batchBytes) {
      pending.push(chunk); // concatenated (copied) right below, before the source reads again
      yield Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    } else {
      pending.push(keep(chunk));
    }
  }
  if (pendingBytes > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
}
