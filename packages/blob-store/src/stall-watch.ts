// Nix's low-speed rule for downloads (curl's LOW_SPEED_LIMIT 1 byte/s over `stalled-download-timeout`): a timer
// that fires when fewer bytes than seconds in the window arrived during one window, waiting for headers or body.

export class StallWatch {
  readonly #windowMs: number;
  readonly #onStall: () => void;
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(windowMs: number, onStall: () => void) {
    this.#windowMs = windowMs;
    this.#onStall = onStall;
    this.#arm();
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      if (this.#bytes < this.#windowMs / 1000) {
        this.#timer = undefined;
        this.#onStall();
        return;
      }
      this.#bytes = 0;
      this.#arm();
    }, this.#windowMs);
    this.#timer.unref?.();
  }

  /** Counts bytes that arrived. */
  saw(bytes: number): void {
    this.#bytes += bytes;
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
