// The typed error of @narwhal/fetch: a stable `code`, the store path it concerns, and a message naming the path,
// the cache or target involved and the rule that was broken. Errors of the cache itself stay StoreErrors.

export type FetchErrorCode =
  | "PATH_NOT_IN_CACHE"
  | "REFERENCE_NOT_IN_CACHE"
  | "TARGET_EXISTS"
  | "TARGET_PARENT_MISSING"
  | "REFERENCE_NOT_VALID"
  | "DEPENDENCY_FAILED"
  | "DERIVATION_NOT_A_FILE"
  | "DERIVATION_TOO_LARGE"
  | "ABORTED"
  | "BAD_OPTIONS";

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  /** The store path (or target directory) the error is about. */
  readonly input: string;

  constructor(code: FetchErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FetchError";
    this.code = code;
    this.input = input;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
