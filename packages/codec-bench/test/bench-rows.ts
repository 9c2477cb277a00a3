// Hand-made benchmark rows for the report and recommendation tests: known numbers, so expected costs and fronts
// can be worked out by hand.

import type { BenchRow } from "../src/index.js";

export function row(fields: Partial<BenchRow> & Pick<BenchRow, "codec" | "level">): BenchRow {
  const backends: Record<string, string> = {
    zstd: "zstd-napi",
    xz: "node-liblzma",
    gzip: "node:zlib",
    bzip2: "node-bzip2",
    br: "node:zlib",
    none: "passthrough",
  };
  const ratio = fields.ratio ?? 3;
  return {
    backend: backends[fields.codec] ?? "test",
    threads: 1,
    parallel: false,
    strategy: "single",
    chunkSize: null,
    inputBytes: 30_000_000,
    compressedBytes: Math.round(30_000_000 / ratio),
    ratio,
    compressMBps: 100,
    decompressMBps: 500,
    peakRssMiB: 50,
    verified: true,
    ...fields,
  };
}

/** A spread like a real run: fast/low-ratio to slow/high-ratio, with parallel and native CLI rows. */
export function typicalRows(): BenchRow[] {
  return [
    row({ codec: "zstd", level: -5, ratio: 2.2, compressMBps: 600, decompressMBps: 900 }),
    row({ codec: "zstd", level: 3, ratio: 2.9, compressMBps: 200, decompressMBps: 700 }),
    row({ codec: "zstd", level: 19, ratio: 3.4, compressMBps: 4, decompressMBps: 650 }),
    row({
      codec: "zstd",
      level: 19,
      ratio: 3.4,
      compressMBps: 7.5,
      decompressMBps: 640,
      threads: 2,
      parallel: true,
      strategy: "native",
    }),
    row({
      codec: "zstd",
      level: 19,
      ratio: 3.38,
      compressMBps: 7,
      decompressMBps: 630,
      threads: 2,
      parallel: true,
      strategy: "chunks",
    }),
    row({ codec: "xz", level: 6, ratio: 3.8, compressMBps: 1.8, decompressMBps: 40 }),
    row({ codec: "xz", level: 0, ratio: 3.0, compressMBps: 15, decompressMBps: 45 }),
    row({ codec: "gzip", level: 6, ratio: 2.5, compressMBps: 24, decompressMBps: 140 }),
    row({ codec: "bzip2", level: 9, ratio: 2.9, compressMBps: 9.5, decompressMBps: 20 }),
    row({ codec: "br", level: 6, ratio: 3.2, compressMBps: 11, decompressMBps: 200 }),
    row({ codec: "none", level: 0, ratio: 1, compressMBps: 5000, decompressMBps: 9000 }),
    row({
      codec: "zstd",
      level: 3,
      backend: "native:zstd",
      strategy: "cli",
      ratio: 2.9,
      compressMBps: 210,
      decompressMBps: 1400,
    }),
    row({
      codec: "xz",
      level: 6,
      backend: "native:xz",
      strategy: "cli",
      ratio: 3.8,
      compressMBps: 1.9,
      decompressMBps: 60,
    }),
  ];
}
