/** One brotli stream being decoded; owned by the thread that created it. */
export type BrotliDecoder = { readonly __brotliDecoder: unique symbol };

/** What decode() reports: 0 the decoder needs more input, 1 more output space, 2 the stream has ended. */
export type BrotliDecodeState = 0 | 1 | 2;

export function createDecoder(): BrotliDecoder;

/**
 * Decodes from `input` into `output` (never past its end) until one is used up or the stream ends: returns the
 * input bytes consumed, the output bytes produced and the state. A corrupt stream throws an Error (code
 * "BROTLI_DECODE_ERROR", message libbrotlidec's error name); the decoder cannot be used after that.
 */
export function decode(
  decoder: BrotliDecoder,
  input: Uint8Array,
  output: Uint8Array,
): [consumed: number, produced: number, state: BrotliDecodeState];

/** Frees the decoder now (garbage collection does it too). */
export function release(decoder: BrotliDecoder): void;
