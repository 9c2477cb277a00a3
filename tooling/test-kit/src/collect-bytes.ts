// Gathers a (small) byte stream into one Buffer, for assertions in tests.
// Not for large streams: it holds everything in memory.

/** Concatenate every chunk of `source`. */
export async function collectBytes(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}
