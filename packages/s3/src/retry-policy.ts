// When a request is tried again and how long it waits, as Nix 2.35's file transfers decide: network failures,
// timeouts, 408, 429 and 5xx (not 501/505/511) retry; 429/503 and SlowDown use the rate-limited base delay;
// backoff = min(max delay, base x 2^(attempt-1)) with full jitter above any Retry-After. Shared by both paths.

import type { RetrySettings } from "./retry-settings.js";

const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
]);
const THROTTLING_CODES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);
const TRANSIENT_CODES = new Set(["InternalError", "RequestTimeout", "ServiceUnavailable"]);
/** 5xx answers Nix does not retry: not implemented, HTTP version not supported, network authentication required. */
const FINAL_SERVER_STATUSES = new Set([501, 505, 511]);

export type RetryKind = "throttled" | "transient" | "clock-skew" | undefined;

/** Classifies an HTTP status and S3 error code (either may be missing). */
export function retryKindOf(status: number | undefined, code: string | undefined): RetryKind {
  if (status === 429 || status === 503 || (code !== undefined && THROTTLING_CODES.has(code))) return "throttled";
  if (code === "RequestTimeTooSkewed" || code === "RequestExpired") return "clock-skew";
  if (code !== undefined && TRANSIENT_CODES.has(code)) return "transient";
  if (status === 408 || (status !== undefined && status >= 500 && !FINAL_SERVER_STATUSES.has(status)))
    return "transient";
  return undefined;
}

/** The fields of a failure the rules look at: an S3 answer (the SDK's service exceptions and the lean path's
 * S3ErrorResponse share this shape) or a network error (Node's `code`, the SDK's and our `TimeoutError`). */
interface FailureShape {
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly Code?: unknown;
  readonly name?: unknown;
  readonly code?: unknown;
}

/** The HTTP status of the answer `error` stands for, undefined when there was no answer. */
export function answerStatusOf(error: unknown): number | undefined {
  return (error as FailureShape | undefined)?.$metadata?.httpStatusCode;
}

/**
 * Why `error` is worth another attempt, or undefined when it is final (4xx such as AccessDenied, NoSuchBucket).
 * The same rules for both request paths: an S3 answer by status and code, else a timeout or a network error code.
 */
export function retryKind(error: unknown): RetryKind {
  const e = error as FailureShape | undefined;
  const status = answerStatusOf(error);
  if (status !== undefined) {
    const code = typeof e?.Code === "string" ? e.Code : typeof e?.name === "string" ? e.name : undefined;
    return retryKindOf(status, code);
  }
  if (e?.name === "TimeoutError") return "transient";
  return typeof e?.code === "string" && RETRYABLE_NETWORK_CODES.has(e.code) ? "transient" : undefined;
}

/** True when `attempt` attempts (counting from 1) leave room for another one. */
export function mayRetry(settings: RetrySettings, attempt: number): boolean {
  return attempt < settings.attempts;
}

/**
 * Milliseconds to wait after failed attempt `attempt` (counting from 1): Nix's computeRetryDelayMs. `retryAfterMs`
 * is the server's Retry-After, a floor the ceiling does not cap. Clock skew retries at once (re-signed).
 */
export function retryDelayMs(
  settings: RetrySettings,
  kind: RetryKind,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (kind === "clock-skew") return 0;
  const base = kind === "throttled" ? settings.delayRateLimitedMs : settings.delayMs;
  const backoff = Math.min(settings.maxDelayMs, base * 2 ** Math.min(Math.max(attempt - 1, 0), 31));
  const floor = retryAfterMs ?? 0;
  if (!settings.jitter) return Math.max(floor, backoff);
  return floor + Math.floor(random() * (backoff + 1));
}

/** Retry-After as milliseconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
