// The recommendation: for given upload and download bandwidths and how often each uploaded NAR is downloaded,
// the seconds per GiB of NAR to push (compress + upload) and to consume (download + decompress) for each measured
// configuration, and the configurations a store URL can select ranked by push + downloads-per-upload x consume.
// The phases are added, not overlapped: a streaming pipeline can hide the shorter one, so these are upper bounds.

import { listCodecs } from "@narwhal/codecs";
import { CodecBenchError } from "./bench-error.js";
import { MB, type BenchRow } from "./bench-result.js";

export interface TransferModel {
  readonly uploadBytesPerSecond: number;
  readonly downloadBytesPerSecond: number;
  /** How many times each uploaded NAR is downloaded (a cache read by a fleet: tens to thousands). */
  readonly downloadsPerUpload: number;
}

export interface ConfigurationCost {
  readonly row: BenchRow;
  readonly compressSecondsPerGiB: number;
  readonly uploadSecondsPerGiB: number;
  readonly downloadSecondsPerGiB: number;
  readonly decompressSecondsPerGiB: number;
  /** compress + upload. */
  readonly pushSecondsPerGiB: number;
  /** download + decompress. */
  readonly consumeSecondsPerGiB: number;
  /** push + downloadsPerUpload x consume: what the ranking minimises. */
  readonly weightedSecondsPerGiB: number;
  /** The store URL query that selects this configuration, or undefined when none does (another backend, ...). */
  readonly storeUrlSettings: string | undefined;
}

const GiB = 2 ** 30;

export function checkTransferModel(model: TransferModel): TransferModel {
  for (const [name, value] of [
    ["upload bandwidth", model.uploadBytesPerSecond],
    ["download bandwidth", model.downloadBytesPerSecond],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0))
      throw new CodecBenchError("INVALID_BANDWIDTH", String(value), `${name} must be a positive number of bytes/s`);
  }
  const n = model.downloadsPerUpload;
  if (!(Number.isFinite(n) && n >= 0))
    throw new CodecBenchError(
      "INVALID_OPTION",
      String(n),
      `downloads per upload ${String(n)} must be a number >= 0 (0 = push cost only)`,
    );
  return model;
}

/**
 * The store URL settings narwhal (and Nix) would need to produce this row: the method's default backend, and for a
 * parallel row the strategy `parallel-compression=true` picks (native threads where the backend has them, else
 * chunks) with as many threads as the machine that measured it has (`cpus`).
 */
export function storeUrlSettingsFor(row: BenchRow, cpus: number): string | undefined {
  if (row.error || row.backend.startsWith("native:")) return undefined;
  const method = listCodecs().find((entry) => entry.name === row.codec);
  const backend = method?.backends.find((entry) => entry.backend === row.backend);
  if (!method || !backend || method.defaultBackend !== row.backend) return undefined;
  const base = row.codec === "none" ? "compression=none" : `compression=${row.codec}&compression-level=${row.level}`;
  if (!row.parallel) return base;
  const auto = backend.nativeThreads ? "native" : "chunks";
  if (row.strategy !== auto || row.threads !== cpus || !backend.concatenable) return undefined;
  return `${base}&parallel-compression=true`;
}

export function costOf(row: BenchRow, model: TransferModel, cpus: number): ConfigurationCost {
  const compressedGiB = 1 / row.ratio;
  const compressSecondsPerGiB = GiB / MB / row.compressMBps;
  const decompressSecondsPerGiB = GiB / MB / row.decompressMBps;
  const uploadSecondsPerGiB = (compressedGiB * GiB) / model.uploadBytesPerSecond;
  const downloadSecondsPerGiB = (compressedGiB * GiB) / model.downloadBytesPerSecond;
  const pushSecondsPerGiB = compressSecondsPerGiB + uploadSecondsPerGiB;
  const consumeSecondsPerGiB = downloadSecondsPerGiB + decompressSecondsPerGiB;
  return {
    row,
    compressSecondsPerGiB,
    uploadSecondsPerGiB,
    downloadSecondsPerGiB,
    decompressSecondsPerGiB,
    pushSecondsPerGiB,
    consumeSecondsPerGiB,
    weightedSecondsPerGiB: pushSecondsPerGiB + model.downloadsPerUpload * consumeSecondsPerGiB,
    storeUrlSettings: storeUrlSettingsFor(row, cpus),
  };
}

const measured = (row: BenchRow) =>
  !row.error && row.verified && row.ratio > 0 && row.compressMBps > 0 && row.decompressMBps > 0;

/** Every measured row's costs (native CLI rows included, for reference), cheapest weighted first. */
export function rankConfigurations(rows: readonly BenchRow[], model: TransferModel, cpus: number): ConfigurationCost[] {
  checkTransferModel(model);
  return rows
    .filter(measured)
    .map((row) => costOf(row, model, cpus))
    .sort((a, b) => a.weightedSecondsPerGiB - b.weightedSecondsPerGiB);
}

/** The `count` cheapest configurations that a store URL can select. */
export function recommend(
  rows: readonly BenchRow[],
  model: TransferModel,
  cpus: number,
  count = 3,
): ConfigurationCost[] {
  return rankConfigurations(rows, model, cpus)
    .filter((cost) => cost.storeUrlSettings !== undefined)
    .slice(0, count);
}
