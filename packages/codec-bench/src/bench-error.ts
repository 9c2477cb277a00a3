// The benchmark's typed error: a code, the input it refused (a flag value, a path, a URL) and the rule it broke,
// so the CLI can print one line naming both.

export type CodecBenchErrorCode =
  | "INVALID_BANDWIDTH"
  | "INVALID_OPTION"
  | "EMPTY_CORPUS"
  | "CACHE_NOT_LISTABLE"
  | "CLOSURE_NOT_IN_STORE";

export class CodecBenchError extends Error {
  readonly code: CodecBenchErrorCode;
  /** The value that was refused, as given. */
  readonly input: string;

  constructor(code: CodecBenchErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CodecBenchError";
    this.code = code;
    this.input = input;
  }
}
