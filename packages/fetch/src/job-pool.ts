// Runs async jobs with at most `limit` of them in flight; the parallelism of fetches across paths (--jobs).

export class JobPool {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`job limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Runs `job` once a slot is free; the slot is released when it settles. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit)
      await new Promise<void>((wake) => this.#waiting.push(wake)); // slot handed over
    else this.#running++;
    try {
      return await job();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }
}
