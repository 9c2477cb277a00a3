// The typed error of @narwhal/cache-maintenance: a stable `code`, the refused input, and a message naming that
// input and the rule it broke (bad duration, missing roots, a key that cannot sign…).

export type MaintenanceErrorCode = "BAD_DURATION" | "BAD_OPTIONS" | "NARINFO_UNREADABLE";

export class MaintenanceError extends Error {
  readonly code: MaintenanceErrorCode;
  readonly input: string;

  constructor(code: MaintenanceErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MaintenanceError";
    this.code = code;
    this.input = input;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
