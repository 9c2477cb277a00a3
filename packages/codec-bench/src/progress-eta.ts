// The time left in a run. Configurations differ in cost by a factor of a thousand (zstd -1 against xz -9 or
// brotli 11), so each planned step carries a prior weight (roughly seconds per MB, from typical speeds); the
// seconds measured so far over the weights done so far turn the remaining weight into seconds.

/** Typical single-thread compress MB/s by codec and level, only for weighting the ETA. */
function typicalCompressMBps(codec: string, level: number): number {
  switch (codec) {
    case "zstd":
      return level <= 0 ? 400 : level <= 3 ? 200 : level <= 9 ? 60 : level <= 15 ? 20 : level <= 19 ? 4 : 2;
    case "xz":
      return level === 0 ? 15 : level <= 3 ? 6 : level <= 6 ? 1.8 : 1.4;
    case "br":
      return level <= 2 ? 100 : level <= 5 ? 30 : level <= 9 ? 8 : level === 10 ? 1 : 0.5;
    case "gzip":
      return level <= 3 ? 60 : level <= 6 ? 25 : 10;
    case "bzip2":
      return 10;
    case "none":
      return 2000;
    default:
      return 20;
  }
}

/** Prior cost of a step: compress at the typical speed (split over threads), plus decompress and start-up. */
export function stepWeight(codec: string, level: number, threads: number): number {
  return 1 / (typicalCompressMBps(codec, level) * Math.max(1, threads * 0.8)) + 1 / 100 + 1 / 200;
}

export class RunClock {
  readonly #weights: readonly number[];
  readonly #started = process.hrtime.bigint();
  #doneWeight = 0;

  constructor(weights: readonly number[]) {
    this.#weights = weights;
  }

  /** Seconds since the run started. */
  elapsedSeconds(): number {
    return Number(process.hrtime.bigint() - this.#started) / 1e9;
  }

  /** Marks step `index` done. */
  finished(index: number): void {
    this.#doneWeight += this.#weights[index] ?? 0;
  }

  /** Estimated seconds left when steps from `next` on remain; undefined before any step finished. */
  etaSeconds(next: number): number | undefined {
    if (this.#doneWeight === 0) return undefined;
    const left = this.#weights.slice(next).reduce((sum, weight) => sum + weight, 0);
    return (this.elapsedSeconds() / this.#doneWeight) * left;
  }
}

/** `1h02m`, `3m20s`, `45s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}
