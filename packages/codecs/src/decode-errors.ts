// Translates the many error messages of the decoding libraries into CodecError codes, so callers can tell a
// truncated download from corrupt bytes without parsing library-specific text.

import { CodecError } from "./codec-error.js";

const TRUNCATION_HINTS = [/unexpected end/i, /ended in middle/i, /ended prematurely/i, /truncated/i, /incomplete/i];

export function toDecodeError(codecName: string, error: unknown): CodecError {
  if (error instanceof CodecError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (TRUNCATION_HINTS.some((hint) => hint.test(detail))) {
    return new CodecError(
      "TRUNCATED_INPUT",
      `${codecName}: compressed input ends before its stream is complete (${detail})`,
      { cause: error },
    );
  }
  return new CodecError("CORRUPT_INPUT", `${codecName}: compressed input is not valid ${codecName} data (${detail})`, {
    cause: error,
  });
}

export function emptyInputError(codecName: string): CodecError {
  return new CodecError(
    "TRUNCATED_INPUT",
    `${codecName}: compressed input is empty; a valid ${codecName} body holds at least one complete stream`,
  );
}
