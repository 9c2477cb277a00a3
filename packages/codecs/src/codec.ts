// The shape of a compression codec plugin: what Nix calls it, its levels, and its streaming transforms.
// Built-in codecs and third-party codecs implement this same interface and are registered the same way.

/** A streaming byte transform: consumes an async iterable of bytes and yields transformed bytes. */
export type ByteTransform = (source: AsyncIterable<Uint8Array>) => AsyncIterable<Buffer>;

export interface LevelRange {
  readonly min: number;
  readonly max: number;
  /** The level used when the caller passes -1 or nothing (Nix's `compression-level=-1`). */
  readonly default: number;
}

export interface CodecCompressOptions {
  /** Already validated against the codec's level range; never -1. */
  readonly level: number;
  /** Threads for a native multithreaded encoder; 1 means a plain single-threaded stream. */
  readonly threads: number;
}

export interface CodecDecompressOptions {
  /** Hint for decoders that can stop early; the registry enforces the bound regardless. */
  readonly maxOutputBytes?: number;
  /** See DecompressOptions.reuseOutput: the decoder may write each piece into the memory of the one before. */
  readonly reuseOutput?: boolean;
}

export interface Codec {
  /** The method name exactly as Nix writes it in `Compression:` (`xz`, `zstd`, `br`, ...). */
  readonly name: string;
  /** Which implementation this is (`zstd-napi`, `node:zlib`, ...); several backends may share a name. */
  readonly backend: string;
  /** NAR file extension Nix uses for this method, with the dot, or "" (gzip and none have none). */
  readonly extension: string;
  readonly levels: LevelRange;
  /** True when independently compressed pieces concatenated together decode to the concatenated input. */
  readonly concatenable: boolean;
  /** True when `compress` honours `threads > 1` with the library's own multithreaded encoder. */
  readonly nativeThreads: boolean;
  /**
   * True when `compress` already bounds its own threads (runs on a fixed worker pool) or does no work (`none`), so
   * streams of it take no compression slots. Otherwise each stream holds one slot per encoder thread while it runs.
   */
  readonly boundsOwnThreads?: boolean;
  /**
   * True when `compress` is done with each input piece (consumed or copied) by the time it pulls the next one, and
   * no output aliases the input, so its source may write the next piece into the same memory. Otherwise
   * compressStream hands it a copy of every piece.
   */
  readonly releasesInput?: boolean;
  compress(options: CodecCompressOptions): ByteTransform;
  decompress(options: CodecDecompressOptions): ByteTransform;
  /** Compresses one independent piece on the calling thread (may use libuv's pool); for parallel mode. */
  compressChunk?(chunk: Uint8Array, level: number): Promise<Buffer>;
  /**
   * Compresses a whole in-memory body as one stream on the calling thread, knowing its size up front (for small
   * bodies, where a streaming encoder's set-up dominates). Optional; compressBuffer falls back to `compress`.
   */
  compressWhole?(body: Uint8Array, level: number): Buffer;
  /**
   * URL (file:) of an ES module exporting `compressChunk(chunk: Uint8Array, level: number): Buffer | Promise<Buffer>`,
   * loaded in Piscina worker threads for parallel mode. Preferred over `compressChunk` when present.
   */
  readonly chunkWorkerModule?: string;
}
