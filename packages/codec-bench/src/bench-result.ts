// The benchmark's result records: one row per codec x level x threads x backend (and per native CLI run),
// with ratio, throughput in MB/s of uncompressed bytes, and peak memory.

export interface BenchRow {
  readonly codec: string;
  /** Registry backend id, or "native:<tool>" for the CLI reference column. */
  readonly backend: string;
  readonly level: number;
  readonly threads: number;
  readonly parallel: boolean;
  readonly strategy: string;
  readonly chunkSize: number | null;
  readonly inputBytes: number;
  readonly compressedBytes: number;
  readonly ratio: number;
  readonly compressMBps: number;
  readonly decompressMBps: number;
  readonly peakRssMiB: number | null;
  readonly verified: boolean;
  readonly command?: string;
  readonly error?: string;
}

export interface RecommendedConfiguration {
  /** Index into BenchResult.rows. */
  readonly row: number;
  readonly label: string;
  /** The store URL query that selects it (`compression=zstd&compression-level=9&parallel-compression=true`). */
  readonly storeUrlSettings: string;
  readonly pushSecondsPerGiB: number;
  readonly consumeSecondsPerGiB: number;
  readonly weightedSecondsPerGiB: number;
}

export interface RecommendationSummary {
  readonly uploadBytesPerSecond: number;
  readonly downloadBytesPerSecond: number;
  readonly downloadsPerUpload: number;
  /** Cheapest first. */
  readonly best: readonly RecommendedConfiguration[];
}

export interface BenchResult {
  readonly startedAt: string;
  readonly input: {
    readonly description: string;
    readonly bytes: number;
    /** The NARs (or files) that went in, in order; the last may be cut at the byte budget. */
    readonly items?: readonly string[];
  };
  readonly machine: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly rows: BenchRow[];
  readonly recommendation?: RecommendationSummary;
}

export const MB = 1_000_000;
