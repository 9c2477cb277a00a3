// The streaming entry points: compressStream() picks single-stream, native multithreaded or chunked parallel
// compression for a codec; decompressStream() decodes with concatenation support, strict end checks and an
// optional output bound.

import { availableParallelism } from "node:os";
import type { Codec } from "./codec.js";
import { CodecError } from "./codec-error.js";
import { compressionPool } from "./chunk-pool.js";
import { withCompressionSlots } from "./compression-slots.js";
import { chunkModuleUrl } from "./worker-module-url.js";
import { emptyInputError, toDecodeError } from "./decode-errors.js";
import { resolveLevel } from "./levels.js";
import { limitOutput, trackNonEmpty } from "./output-limit.js";
import { compressChunksInOrder, type ChunkCompressor } from "./parallel.js";
import { getCodec } from "./registry.js";

/** Default independent chunk size for parallel compression (Nix 2.35 cuts zstd into 16 MiB frames). */
export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;

/**
 * With a `sizeHint` below this, parallel native mode compresses on one thread: liblzma's MT encoder cuts blocks of
 * 3 x dict (24 MiB at xz -6) and zstd's jobs are several MiB, so a smaller input would use one thread anyway while
 * paying for the MT encoder's buffers. Parallelism then comes from compressing several paths at once.
 */
export const SINGLE_THREAD_BELOW = 32 * 1024 * 1024;

export type ParallelStrategy = "auto" | "chunks" | "native";

export interface CompressOptions {
  /** Nix's compression-level; -1 or omitted = the codec's default. */
  readonly level?: number;
  /** Nix's parallel-compression. */
  readonly parallel?: boolean;
  /**
   * Threads for this stream in parallel mode (default: available parallelism): the native encoder's threads, or
   * the chunks in flight at once on the shared chunk pool. 1 compresses on one thread (other streams run beside it).
   */
  readonly threads?: number;
  /** Independent chunk size in bytes for chunked parallel mode (default 16 MiB). */
  readonly chunkSize?: number;
  /**
   * How to parallelise: `native` = the library's own multithreaded encoder (one zstd frame / one multi-block
   * xz stream); `chunks` = independent chunks on a worker pool, concatenated; `auto` = native where the codec
   * has it (zstd, xz: measured faster or better ratio), else chunks.
   */
  readonly strategy?: ParallelStrategy;
  /** Expected input size in bytes (e.g. NarSize); a hint only, never checked. See SINGLE_THREAD_BELOW. */
  readonly sizeHint?: number;
  /** Choose a backend other than the method's default (e.g. "lzma-native", "brotli-wasm"). */
  readonly backend?: string;
  /** For a non-concatenable codec (br) with parallel=true: compress as one stream and warn instead of failing. */
  readonly singleStreamFallback?: boolean;
  /** Receives the fallback warning; defaults to process.emitWarning. */
  readonly onWarning?: (message: string) => void;
}

export interface DecompressOptions {
  /** Fail with OUTPUT_LIMIT_EXCEEDED once the decoded output would exceed this many bytes. */
  readonly maxOutputBytes?: number;
  readonly backend?: string;
  /**
   * Each decoded piece stays valid only until the next one is asked for: the decoder may write the next piece into
   * the same memory, instead of a fresh 1 MiB buffer per piece (on a 64 MiB zstd body, the fresh memory's page
   * faults were a fifth of the decode time). Only for consumers that are done with a piece, and every view of it,
   * before they pull the next: a hash, a synchronous write, a parser that copies what it keeps. Off by default.
   */
  readonly reuseOutput?: boolean;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new CodecError("INVALID_OPTION", `${name}=${String(value)} is not valid; it must be a positive integer`);
  }
  return value;
}

function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

function chunkCompressorFor(codec: Codec, level: number, threads: number): ChunkCompressor {
  if (codec.chunkWorkerModule) {
    // `threads` bounds this stream's chunks in flight; the pool is shared with the other streams (one per core).
    const pool = compressionPool(Math.max(threads, defaultThreads()));
    const module = chunkModuleUrl(codec.chunkWorkerModule);
    return async (chunk) => {
      const result = (await pool.run({ module, level, chunk })) as Uint8Array;
      return Buffer.from(result.buffer, result.byteOffset, result.byteLength);
    };
  }
  if (codec.compressChunk) {
    const compressChunk = codec.compressChunk.bind(codec);
    return (chunk) => compressChunk(chunk, level);
  }
  // Fallback for plugins with neither: each chunk through the codec's own stream (still independent pieces).
  return async (chunk) => {
    const pieces: Buffer[] = [];
    for await (const piece of codec.compress({ level, threads: 1 })(oneChunk(chunk))) pieces.push(piece);
    return Buffer.concat(pieces);
  };
}

async function* oneChunk(chunk: Buffer): AsyncGenerator<Buffer> {
  yield chunk;
}

function parallelRefusal(codec: Codec): CodecError {
  return new CodecError(
    "PARALLEL_UNSUPPORTED",
    `parallel compression is not valid for ${codec.name}: readers reject concatenated ${codec.name} streams; use parallel=false, or one of the concatenable methods (zstd, xz, gzip, bzip2), or singleStreamFallback=true`,
  );
}

/**
 * Compresses `source` with `codecName`. It is done with each input piece by the time it pulls the next (a codec that
 * does not say so in `releasesInput` is handed copies), so the source may write every piece into the same memory.
 */
export function compressStream(
  codecName: string,
  source: AsyncIterable<Uint8Array>,
  options: CompressOptions = {},
): AsyncIterable<Buffer> {
  const codec = getCodec(codecName, options.backend);
  const level = resolveLevel(codec, options.level);
  const threads = positiveInteger("threads", options.threads, defaultThreads());
  const chunkSize = positiveInteger("chunkSize", options.chunkSize, DEFAULT_CHUNK_SIZE);
  const strategy = options.strategy ?? "auto";
  if (!["auto", "chunks", "native"].includes(strategy)) {
    throw new CodecError(
      "INVALID_OPTION",
      `strategy=${JSON.stringify(strategy)} is not valid; use auto, chunks or native`,
    );
  }
  if (!options.parallel) return compressOneStream(codec, level, 1, source);
  if (!codec.concatenable) {
    if (!options.singleStreamFallback) throw parallelRefusal(codec);
    const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, "NarwhalCodecWarning"));
    warn(
      `${codec.name}: parallel compression requested but ${codec.name} streams cannot be concatenated; compressing as one stream`,
    );
    return compressOneStream(codec, level, 1, source);
  }
  if (strategy === "native" && !codec.nativeThreads) {
    throw new CodecError(
      "INVALID_OPTION",
      `strategy=native is not valid for ${codec.name}/${codec.backend}: it has no native multithreaded encoder; use chunks or auto`,
    );
  }
  if (strategy === "native" || (strategy === "auto" && codec.nativeThreads)) {
    const small = options.sizeHint !== undefined && options.sizeHint < SINGLE_THREAD_BELOW;
    return compressOneStream(codec, level, small ? 1 : threads, source);
  }
  return compressChunksInOrder(source, chunkSize, threads, chunkCompressorFor(codec, level, threads));
}

/** One stream through the codec's own encoder, holding a compression slot per thread unless it bounds its own. */
function compressOneStream(
  codec: Codec,
  level: number,
  threads: number,
  source: AsyncIterable<Uint8Array>,
): AsyncIterable<Buffer> {
  const input = codec.releasesInput ? source : copiedPieces(source);
  return withCompressionSlots(codec, threads, () => codec.compress({ level, threads })(input));
}

/** Each piece of `source` in memory of its own, for a codec that may keep a piece after it pulls the next. */
async function* copiedPieces(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const piece of source) yield Buffer.from(piece);
}

async function* decodeChecked(codec: Codec, source: AsyncIterable<Uint8Array>, options: DecompressOptions) {
  const tracked = trackNonEmpty(source);
  try {
    yield* limitOutput(
      codec.decompress({ maxOutputBytes: options.maxOutputBytes, reuseOutput: options.reuseOutput })(tracked.source),
      options.maxOutputBytes,
      codec.name,
    );
  } catch (error) {
    if (!tracked.sawBytes() && codec.name !== "none") throw emptyInputError(codec.name);
    throw toDecodeError(codec.name, error);
  }
  if (!tracked.sawBytes() && codec.name !== "none") throw emptyInputError(codec.name);
}

export function decompressStream(
  codecName: string,
  source: AsyncIterable<Uint8Array>,
  options: DecompressOptions = {},
): AsyncIterable<Buffer> {
  const codec = getCodec(codecName, options.backend);
  if (
    options.maxOutputBytes !== undefined &&
    !(Number.isInteger(options.maxOutputBytes) && options.maxOutputBytes >= 0)
  ) {
    throw new CodecError(
      "INVALID_OPTION",
      `maxOutputBytes=${String(options.maxOutputBytes)} is not valid; it must be a non-negative integer`,
    );
  }
  return decodeChecked(codec, source, options);
}
