// When the lean request path tries again and how long it waits: network failures, timeouts, 5xx, 429 and S3's
// throttling codes are retried with capped exponential backoff and full jitter (like the SDK's standard strategy).

import { S3ErrorResponse } from "./s3-error-response.js";

const RETRYABLE_NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN"]);
const THROTTLING_CODES = new Set(["SlowDown", "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"]);
const TRANSIENT_CODES = new Set(["InternalError", "RequestTimeout", "ServiceUnavailable"]);
const MAX_BACKOFF_MS = 20_000;

export type RetryKind = "throttled" | "transient" | "clock-skew" | undefined;

/** Why `error` is worth another attempt, or undefined when it is final (4xx such as AccessDenied, NoSuchBucket). */
export function retryKind(error: unknown): RetryKind {
  if (error instanceof S3ErrorResponse) {
    const status = error.$metadata.httpStatusCode;
    if (THROTTLING_CODES.has(error.Code) || status === 429) return "throttled";
    if (error.Code === "RequestTimeTooSkewed" || error.Code === "RequestExpired") return "clock-skew";
    if (TRANSIENT_CODES.has(error.Code) || status >= 500) return "transient";
    return undefined;
  }
  const e = error as { code?: unknown; name?: unknown };
  if (e?.name === "TimeoutError") return "transient";
  return typeof e?.code === "string" && RETRYABLE_NETWORK_CODES.has(e.code) ? "transient" : undefined;
}

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(kind: RetryKind, attempt: number, random: () => number = Math.random): number {
  if (kind === "clock-skew") return 0;
  const base = kind === "throttled" ? 500 : 100;
  return Math.floor(random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1)));
}
