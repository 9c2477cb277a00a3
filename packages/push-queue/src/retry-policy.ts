// When a failed push is tried again, and which failures are final: exponential backoff per path (with jitter, so
// paths that failed together do not all return together), and errors no retry can fix skip the path at once.

/**
 * Codes of failures that retrying cannot fix: the path is not (or no longer) in the local store, its metadata is
 * malformed, or the source and destination cannot fit (store directories differ).
 */
const FINAL_CODES = new Set([
  "BAD_OPTIONS",
  "PATH_NOT_IN_SOURCE",
  "BAD_SOURCE",
  "LOCAL_STORE_PATH_NOT_VALID",
  "LOCAL_STORE_BAD_PATH",
  "QUEUE_BAD_ENTRY",
]);

export interface RetryPolicy {
  /** Attempts after the first one before a path is given up (default 5). */
  readonly retries: number;
  /** Wait before the first retry; each later one waits twice as long as the one before (default 2 s). */
  readonly firstDelayMs: number;
  /** The longest wait between two attempts (default 10 min). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, firstDelayMs: 2_000, maxDelayMs: 600_000 };

export function isFinalFailure(code: string | undefined): boolean {
  return code !== undefined && FINAL_CODES.has(code);
}

/** Milliseconds to wait after the `failedAttempts`-th failure (1 = the first), between 75% and 100% of the backoff. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const backoff = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(backoff * (0.75 + 0.25 * random()));
}
