// Typed errors raised by the codec registry and by every codec's compress/decompress path.
// Each error carries a stable `code` and a message naming the refused value and the rule it broke.

export type CodecErrorCode =
  | "UNKNOWN_CODEC"
  | "UNKNOWN_BACKEND"
  | "DUPLICATE_CODEC"
  | "INVALID_CODEC"
  | "LEVEL_OUT_OF_RANGE"
  | "INVALID_OPTION"
  | "PARALLEL_UNSUPPORTED"
  | "TRUNCATED_INPUT"
  | "CORRUPT_INPUT"
  | "TRAILING_DATA"
  | "OUTPUT_LIMIT_EXCEEDED"
  | "COMPRESSION_FAILED";

export class CodecError extends Error {
  readonly code: CodecErrorCode;

  constructor(code: CodecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CodecError";
    this.code = code;
  }
}
