// Decompression-bomb guard: the one home of the decoded-output bounds. Every decoder yields pieces of at most
// DECODED_PIECE_BYTES, produced only when the consumer pulls, and the stream stops once it would pass maxOutputBytes.

import { CodecError } from "./codec-error.js";

/**
 * The largest piece of decoded output any decoder hands back at once (1 MiB), and the output buffer size given to
 * the native transforms (zlib's chunkSize, liblzma's chunkSize / bufsize). Decoders produce the next piece only
 * when the consumer asks for it, so a decoder holds about one piece of output beyond what its consumer has taken,
 * whatever the input's expansion ratio. Also a speed setting: see TRANSFORM_OUTPUT_CHUNK in node-transform.ts.
 */
export const DECODED_PIECE_BYTES = 1 << 20;

export function outputLimitError(codecName: string, maxOutputBytes: number): CodecError {
  return new CodecError(
    "OUTPUT_LIMIT_EXCEEDED",
    `${codecName}: decompressed output exceeds maxOutputBytes=${maxOutputBytes}; refusing to produce more`,
  );
}

/**
 * Passes decoded pieces through, cut to at most DECODED_PIECE_BYTES (for backends that hand back what they were
 * given, like `none`, and third-party codecs), and fails with OUTPUT_LIMIT_EXCEEDED before yielding the piece that
 * would take the total past `maxOutputBytes`. Leaving the loop ends the backend's iterator, which stops decoding.
 */
export async function* limitOutput(
  decoded: AsyncIterable<Buffer>,
  maxOutputBytes: number | undefined,
  codecName: string,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of decoded) {
    total += chunk.byteLength;
    if (maxOutputBytes !== undefined && total > maxOutputBytes) throw outputLimitError(codecName, maxOutputBytes);
    if (chunk.byteLength <= DECODED_PIECE_BYTES) {
      yield chunk;
      continue;
    }
    for (let offset = 0; offset < chunk.byteLength; offset += DECODED_PIECE_BYTES) {
      yield chunk.subarray(offset, offset + DECODED_PIECE_BYTES);
    }
  }
}

/**
 * Collects a decoder's output into pieces of exactly DECODED_PIECE_BYTES: a backend writes into `space()` and
 * reports how much it wrote with `wrote(n)`; a full piece is handed back by `take()` and a fresh one started. The
 * last piece is copied to its size by `rest()` so a small body does not pin a whole piece.
 *
 * With `reuse` (DecompressOptions.reuseOutput), `take()` starts the next piece in the same memory: the backend
 * yields each piece it takes before it writes again, so the consumer has asked for the next piece by then.
 */
export class PieceWriter {
  #piece = Buffer.allocUnsafe(DECODED_PIECE_BYTES);
  #filled = 0;
  readonly #reuse: boolean;

  constructor(reuse = false) {
    this.#reuse = reuse;
  }

  /** The unwritten part of the current piece (never empty: a full piece must be taken first). */
  space(): Buffer {
    return this.#piece.subarray(this.#filled);
  }

  wrote(bytes: number): void {
    this.#filled += bytes;
  }

  get full(): boolean {
    return this.#filled === this.#piece.length;
  }

  /** The current piece when full, replaced by a fresh one (or, with `reuse`, started over once the caller yielded it). */
  take(): Buffer {
    const piece = this.#piece;
    if (!this.#reuse) this.#piece = Buffer.allocUnsafe(DECODED_PIECE_BYTES);
    this.#filled = 0;
    return piece;
  }

  /** What the current piece holds, copied to its own buffer (undefined when empty); starts it over. */
  rest(): Buffer | undefined {
    if (this.#filled === 0) return undefined;
    const rest = Buffer.from(this.#piece.subarray(0, this.#filled));
    this.#filled = 0;
    return rest;
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
