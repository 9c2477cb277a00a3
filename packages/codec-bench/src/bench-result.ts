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

export interface BenchResult {
  readonly startedAt: string;
  readonly input: { readonly description: string; readonly bytes: number };
  readonly machine: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly rows: BenchRow[];
}

export const MB = 1_000_000;
