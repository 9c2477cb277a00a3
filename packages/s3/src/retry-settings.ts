// The retry settings in force for one S3 store, as Nix 2.35 resolves them: a retry-* setting the store URL sets
// explicitly wins (even 0), otherwise the global filetransfer-retry-* value (nix.conf; Nix's defaults).

import { NIX_RETRY_DEFAULTS, type S3StoreUrl } from "@narwhal/store-url";

export interface RetrySettings {
  /** Attempts in all, the first included; 0 and 1 both mean a single attempt. */
  readonly attempts: number;
  /** Base backoff in ms of transient failures (doubled per attempt). */
  readonly delayMs: number;
  /** Base backoff in ms after HTTP 429 / 503 and S3's throttling codes. */
  readonly delayRateLimitedMs: number;
  /** Ceiling in ms of the backoff (a longer Retry-After is still waited for). */
  readonly maxDelayMs: number;
  /** Full jitter: wait a random time in [Retry-After or 0, that + backoff]. */
  readonly jitter: boolean;
}

/** The global values (nix.conf filetransfer-retry-*): Nix 2.35's defaults unless the caller read others. */
export type GlobalRetrySettings = Partial<RetrySettings>;

/** Resolves the store's retry settings: explicit URL setting > `globals` > Nix's defaults. */
export function retrySettingsFor(url: S3StoreUrl, globals: GlobalRetrySettings = {}): RetrySettings {
  const pick = (
    name: "retry-attempts" | "retry-delay" | "retry-delay-rate-limited" | "retry-max-delay",
    global: number,
  ): number => (url.explicit.has(name) ? url.settings[name] : global);
  return {
    attempts: pick("retry-attempts", globals.attempts ?? NIX_RETRY_DEFAULTS.attempts),
    delayMs: pick("retry-delay", globals.delayMs ?? NIX_RETRY_DEFAULTS.delayMs),
    delayRateLimitedMs: pick(
      "retry-delay-rate-limited",
      globals.delayRateLimitedMs ?? NIX_RETRY_DEFAULTS.delayRateLimitedMs,
    ),
    maxDelayMs: pick("retry-max-delay", globals.maxDelayMs ?? NIX_RETRY_DEFAULTS.maxDelayMs),
    jitter: globals.jitter ?? NIX_RETRY_DEFAULTS.jitter,
  };
}
