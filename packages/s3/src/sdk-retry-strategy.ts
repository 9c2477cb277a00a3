// The AWS SDK client's retry strategy, following Nix 2.35 (retry-policy.ts) instead of the SDK's own: the same
// attempts, error classes, base delays, ceiling, full jitter and Retry-After as the lean path.

import type { RetrySettings } from "./retry-settings.js";
import { mayRetry, retryDelayMs, retryKindOf } from "./retry-policy.js";

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

interface RetryErrorInfo {
  readonly error?: unknown;
  readonly errorType: "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";
  readonly retryAfterHint?: Date;
}

function token(retryCount: number, delay: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
}

/** Implements the SDK's RetryStrategyV2 (acquire / refresh / recordSuccess). */
export class NixRetryStrategy {
  readonly #settings: RetrySettings;

  constructor(settings: RetrySettings) {
    this.#settings = settings;
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  /** Throws (the SDK then raises the request's own error) when the failure is final or attempts are used up. */
  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const attempt = previous.getRetryCount() + 1;
    const error = info.error as { $metadata?: { httpStatusCode?: number }; name?: string; Code?: string } | undefined;
    let kind = retryKindOf(error?.$metadata?.httpStatusCode, error?.Code ?? error?.name);
    // The SDK's own classes cover failures without an HTTP answer (network errors, timeouts).
    if (kind === undefined && info.errorType === "TRANSIENT" && error?.$metadata?.httpStatusCode === undefined)
      kind = "transient";
    if (kind === undefined || !mayRetry(this.#settings, attempt)) throw info.error ?? new Error("not retried");
    const retryAfterMs =
      info.retryAfterHint === undefined ? undefined : Math.max(0, info.retryAfterHint.getTime() - Date.now());
    return token(attempt, retryDelayMs(this.#settings, kind, attempt, retryAfterMs));
  }

  recordSuccess(_token: RetryToken): void {}
}
