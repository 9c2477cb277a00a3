// The one error type of @narwhal/nar: every refusal carries a stable `code`, and where known the NAR offset
// or filesystem path it refers to; the message names the input and the rule it broke.

export type NarErrorCode =
  | "NAR_BAD_MAGIC"
  | "NAR_UNEXPECTED_TAG"
  | "NAR_UNKNOWN_TYPE"
  | "NAR_TAG_TOO_LONG"
  | "NAR_BAD_ENTRY_NAME"
  | "NAR_NAME_TOO_LONG"
  | "NAR_UNSORTED_ENTRIES"
  | "NAR_BAD_SYMLINK_TARGET"
  | "NAR_NONZERO_PADDING"
  | "NAR_TOO_DEEP"
  | "NAR_LENGTH_OVERFLOW"
  | "NAR_TRUNCATED"
  | "NAR_TRAILING_BYTES"
  | "NAR_CONTENTS_EXPIRED"
  | "NAR_BAD_EVENT_ORDER"
  | "NAR_UNSUPPORTED_FILE_TYPE"
  | "NAR_FILE_CHANGED"
  | "NAR_SIZE_MISMATCH"
  | "NAR_PATH_NOT_FOUND"
  | "NAR_NOT_A_REGULAR_FILE"
  | "RESTORE_TARGET_EXISTS"
  | "RESTORE_UNSAFE_PATH"
  | "LISTING_TOO_LARGE"
  | "LISTING_TOO_DEEP"
  | "LISTING_TOO_MANY_ENTRIES"
  | "LISTING_NOT_JSON"
  | "LISTING_INVALID";

export interface NarErrorDetails {
  /** Byte offset in the NAR (or, for LISTING_* codes, in the listing text) where the offending token starts. */
  offset?: number;
  /** Filesystem path or path inside the NAR the error is about; for LISTING_* codes the JSON path of the bad node. */
  path?: string;
  cause?: unknown;
}

export class NarError extends Error {
  readonly code: NarErrorCode;
  readonly offset: number | undefined;
  readonly path: string | undefined;

  constructor(code: NarErrorCode, message: string, details: NarErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "NarError";
    this.code = code;
    this.offset = details.offset;
    this.path = details.path;
  }
}

/** Render bytes from a NAR for an error message: JSON-quoted, invalid UTF-8 shown as \xNN, long values cut. */
export function describeBytes(bytes: Uint8Array, limit = 64): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, limit));
  let text = "";
  for (const byte of shown) {
    text +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `"${text}"${bytes.byteLength > limit ? `... (${bytes.byteLength} bytes)` : ""}`;
}
