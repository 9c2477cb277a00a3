// Typed errors of the blob transports: a stable `code`, the object key and the transport's URL, so a message
// always says which object in which cache broke which rule. The store re-raises them with its own context.

export type BlobStoreErrorCode =
  | "INVALID_KEY"
  | "READ_ONLY"
  | "UNSUPPORTED"
  | "TRANSPORT"
  | "TIMEOUT"
  | "OBJECT_TOO_LARGE"
  | "OUTSIDE_CACHE";

export interface BlobStoreErrorDetails {
  readonly key?: string;
  readonly storeUrl?: string;
  readonly cause?: unknown;
}

export class BlobStoreError extends Error {
  readonly code: BlobStoreErrorCode;
  readonly key: string | undefined;
  readonly storeUrl: string | undefined;

  constructor(code: BlobStoreErrorCode, message: string, details: BlobStoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "BlobStoreError";
    this.code = code;
    this.key = details.key;
    this.storeUrl = details.storeUrl;
  }
}

/** `'key' in <url>` — the phrase every message uses to name an object. */
export function objectName(key: string, storeUrl: string): string {
  return `'${key}' in ${storeUrl}`;
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
