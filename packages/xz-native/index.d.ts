/** One .xz input (concatenated streams allowed) being decoded; owned by the thread that created it. */
export type XzDecoder = { readonly __xzDecoder: unique symbol };

/** What decode() reports: 0 the decoder needs more input, 1 more output space, 2 the input ended complete. */
export type XzDecodeState = 0 | 1 | 2;

/**
 * A decoder for `.xz` input: concatenated streams and stream padding are accepted, as `xz -d` accepts them. With
 * `threads` > 1 it is liblzma's threaded decoder, which decodes the blocks of a stream side by side when their
 * headers carry their sizes (`xz -T` and Nix's parallel compression write them) and their buffers fit in
 * `memlimitThreading` bytes; otherwise it decodes on the calling thread.
 */
export function createDecoder(threads: number, memlimitThreading: number): XzDecoder;

/**
 * Decodes from `input` into `output` (never past its end) until one is used up; `finish` says no input follows
 * (state 2 only comes then). Returns the input bytes consumed, the output bytes produced and the state. A corrupt
 * or truncated input throws an Error (code "XZ_DECODE_ERROR", message liblzma's status, e.g. "LZMA_DATA_ERROR:
 * ..."); the decoder cannot be used after that.
 */
export function decode(
  decoder: XzDecoder,
  input: Uint8Array,
  output: Uint8Array,
  finish: boolean,
): [consumed: number, produced: number, state: XzDecodeState];

/** Frees the decoder now (garbage collection does it too). */
export function release(decoder: XzDecoder): void;
