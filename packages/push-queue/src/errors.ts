// The typed error of @narwhal/push-queue: a `code` naming the rule broken and the input (a path, a directory, an
// option) that broke it.

export type PushQueueErrorCode =
  | "QUEUE_BAD_PATH"
  | "QUEUE_BAD_OPTIONS"
  | "QUEUE_UNWRITABLE"
  | "QUEUE_LOCKED"
  | "QUEUE_BAD_ENTRY"
  | "WATCH_DATABASE_NOT_LIVE";

export class PushQueueError extends Error {
  override readonly name = "PushQueueError";
  readonly code: PushQueueErrorCode;
  /** The store path, directory, file or option value the error is about. */
  readonly input: string;

  constructor(code: PushQueueErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.input = input;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
