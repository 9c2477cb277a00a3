// The one retry strategy of an S3 store, following Nix 2.35 (retry-policy.ts): the AWS SDK client runs it as its
// retryStrategy (RetryStrategyV2) and the lean request path drives the same instance, so every request of both
// paths (PutObject, UploadPart, Create/Complete/AbortMultipartUpload, reads) has the same attempts and delays.

import { answerStatusOf, mayRetry, parseRetryAfter, retryDelayMs, retryKind } from "./retry-policy.js";
import type { RetrySettings } from "./retry-settings.js";

export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** What the SDK's retry middleware tells a strategy about a failed attempt. */
export interface RetryErrorInfo {
  readonly error?: unknown;
  readonly errorType: "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";
  readonly retryAfterHint?: Date;
}

function token(retryCount: number, delay: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
}

/**
 * The RetryErrorInfo of a lean-path failure, classified as the SDK's middleware would classify it: `retryAfter` is
 * the answer's Retry-After header, when there was an answer.
 */
export function retryErrorInfo(error: unknown, retryAfter: string | undefined): RetryErrorInfo {
  const kind = retryKind(error);
  const status = answerStatusOf(error);
  const errorType =
    kind === "throttled"
      ? "THROTTLING"
      : kind === "transient" && status === undefined
        ? "TRANSIENT"
        : status !== undefined && status >= 500
          ? "SERVER_ERROR"
          : "CLIENT_ERROR";
  const retryAfterMs = parseRetryAfter(retryAfter);
  return {
    error,
    errorType,
    ...(retryAfterMs === undefined ? {} : { retryAfterHint: new Date(Date.now() + retryAfterMs) }),
  };
}

/** Implements the SDK's RetryStrategyV2 (acquire / refresh / recordSuccess). */
export class NixRetryStrategy {
  readonly #settings: RetrySettings;

  constructor(settings: RetrySettings) {
    this.#settings = settings;
  }

  get settings(): RetrySettings {
    return this.#settings;
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  /**
   * The token of the next attempt, whose getRetryDelay() is the wait before it. Throws the failure itself (the
   * SDK then raises the request's own error) when it is final or the attempts are used up.
   */
  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const attempt = previous.getRetryCount() + 1;
    let kind = retryKind(info.error);
    // The SDK's own classes cover failures without an HTTP answer that Node names differently (network errors).
    if (kind === undefined && info.errorType === "TRANSIENT" && answerStatusOf(info.error) === undefined)
      kind = "transient";
    if (kind === undefined || !mayRetry(this.#settings, attempt)) throw info.error ?? new Error("not retried");
    const retryAfterMs =
      info.retryAfterHint === undefined ? undefined : Math.max(0, info.retryAfterHint.getTime() - Date.now());
    return token(attempt, retryDelayMs(this.#settings, kind, attempt, retryAfterMs));
  }

  recordSuccess(_token: RetryToken): void {}
}
