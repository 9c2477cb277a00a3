// Throughput over a sliding window (the last 10 s by default), so a rate and an ETA follow the transfer as it is
// now rather than its average since the start (which includes planning, and hides a stall).

interface Sample {
  readonly at: number;
  readonly total: number;
}

export class RateMeter {
  readonly #windowMs: number;
  readonly #samples: Sample[] = [];

  constructor(windowMs = 10_000) {
    this.#windowMs = windowMs;
  }

  /** Notes that `total` units were done by `at` (milliseconds, e.g. performance.now()). */
  record(total: number, at: number): void {
    const last = this.#samples.at(-1);
    if (last !== undefined && at <= last.at) return;
    this.#samples.push({ at, total });
    // keep one sample at or before the window's start, so the window stays spanned
    while (this.#samples.length > 2 && this.#samples[1]!.at <= at - this.#windowMs) this.#samples.shift();
  }

  /** Units per second over the window; undefined until the samples span `minimumMs`. */
  perSecond(minimumMs = 1_000): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < minimumMs) return undefined;
    return ((last.total - first.total) * 1000) / (last.at - first.at);
  }
}
