// Decompression-bomb guard: stops a decoded stream as soon as it would exceed the caller's output bound.
// Also checks that the compressed input was not empty, which no codec except `none` accepts.

import { CodecError } from "./codec-error.js";

export async function* limitOutput(
  decoded: AsyncIterable<Buffer>,
  maxOutputBytes: number | undefined,
  codecName: string,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of decoded) {
    total += chunk.byteLength;
    if (maxOutputBytes !== undefined && total > maxOutputBytes) {
      throw new CodecError(
        "OUTPUT_LIMIT_EXCEEDED",
        `${codecName}: decompressed output exceeds maxOutputBytes=${maxOutputBytes}; refusing to produce more`,
      );
    }
    yield chunk;
  }
}

/** Passes bytes through while remembering whether any non-empty piece was seen. */
export function trackNonEmpty(source: AsyncIterable<Uint8Array>): {
  readonly source: AsyncIterable<Uint8Array>;
  sawBytes(): boolean;
} {
  let seen = false;
  return {
    source: (async function* () {
      for await (const piece of source) {
        if (piece.byteLength > 0) seen = true;
        yield piece;
      }
    })(),
    sawBytes: () => seen,
  };
}
