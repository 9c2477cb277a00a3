// Passes a byte stream through unchanged while reporting how many bytes went by; feeds progress displays.

export async function* countBytes(
  source: AsyncIterable<Buffer>,
  onBytes: (bytes: number) => void,
): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}
