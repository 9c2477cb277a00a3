// Typed error raised when a store URL or one of its settings is refused.
// Every message names the refused input and the rule it broke; `code` lets callers branch without parsing text.

import { redactStoreUrl } from "./redact-store-url.js";

export type StoreUrlErrorCode =
  | "UNSUPPORTED_SCHEME"
  | "MALFORMED_URL"
  | "MISSING_BUCKET"
  | "INVALID_BUCKET_NAME"
  | "RELATIVE_FILE_PATH"
  | "MALFORMED_QUERY"
  | "UNKNOWN_SETTING"
  | "SETTING_NOT_APPLICABLE"
  | "INVALID_BOOLEAN"
  | "INVALID_INTEGER"
  | "INVALID_VALUE"
  | "CONFLICTING_VALUES"
  | "UNREPRESENTABLE_VALUE";

export interface StoreUrlErrorDetails {
  /** The setting involved, by its canonical name, when the error is about one. */
  readonly setting?: string;
  /** The refused value (setting value, bucket name, path or URL); kept with any URL password redacted. */
  readonly value?: string;
  /** For UNKNOWN_SETTING: the closest known setting name, if one is close enough. */
  readonly suggestion?: string;
}

export class StoreUrlError extends Error {
  readonly code: StoreUrlErrorCode;
  readonly setting: string | undefined;
  readonly value: string | undefined;
  readonly suggestion: string | undefined;

  /** `message` and `details.value` pass through redactStoreUrl, so no URL password reaches a message. */
  constructor(code: StoreUrlErrorCode, message: string, details: StoreUrlErrorDetails = {}) {
    super(redactStoreUrl(message));
    this.name = "StoreUrlError";
    this.code = code;
    this.setting = details.setting;
    this.value = details.value === undefined ? undefined : redactStoreUrl(details.value);
    this.suggestion = details.suggestion;
  }
}
