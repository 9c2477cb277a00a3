// The typed error of @narwhal/engine: a `code` saying which rule was broken, a message naming the input that
// broke it, and the path or URL concerned.

export type EngineErrorCode =
  | "BAD_OPTIONS"
  | "BAD_SOURCE"
  | "PATH_NOT_IN_SOURCE"
  | "REFERENCE_FAILED"
  | "NOT_A_DIRECTORY";

export class EngineError extends Error {
  override readonly name = "EngineError";
  readonly code: EngineErrorCode;
  /** The store path, directory or URL the error is about. */
  readonly subject: string;

  constructor(code: EngineErrorCode, subject: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.subject = subject;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
