// The one error type of @narwhal/local-store: a stable `code`, the input that was refused, and a message naming
// that input and the rule it broke (bad store URL, unreadable database, path not valid, reference cycle…).

export type LocalStoreErrorCode =
  | "LOCAL_STORE_BAD_URL"
  | "LOCAL_STORE_BAD_OPTIONS"
  | "LOCAL_STORE_DB_UNREADABLE"
  | "LOCAL_STORE_DB_CORRUPT"
  | "LOCAL_STORE_DB_WRITE_FAILED"
  | "LOCAL_STORE_BAD_PATH"
  | "LOCAL_STORE_PATH_NOT_VALID"
  | "LOCAL_STORE_REFERENCE_CYCLE"
  | "LOCAL_STORE_CLOSED";

export class LocalStoreError extends Error {
  readonly code: LocalStoreErrorCode;
  /** The refused input (URL, path, database file…), for logs and tests. */
  readonly input: string;

  constructor(code: LocalStoreErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LocalStoreError";
    this.code = code;
    this.input = input;
  }
}
