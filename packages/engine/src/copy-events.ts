// What a copy tells its observer as it runs (the CLI's progress line and JSON summary are built from these)
// and the summary it returns.

/** Events in the order they can happen for one path: skipped, or started → bytes… → uploaded → finished | failed. */
export type CopyEvent =
  | { readonly type: "planned"; readonly paths: number; readonly toCopy: number; readonly bytesToCopy: number }
  | { readonly type: "uploads-aborted"; readonly count: number }
  | { readonly type: "path-skipped"; readonly path: string }
  | { readonly type: "path-started"; readonly path: string; readonly narSize: number }
  /** NAR bytes of `path` read and pushed since the previous bytes event of that path. */
  | { readonly type: "bytes"; readonly path: string; readonly bytes: number }
  | { readonly type: "path-uploaded"; readonly path: string; readonly narUploaded: boolean }
  | { readonly type: "path-finished"; readonly path: string }
  | { readonly type: "path-failed"; readonly path: string; readonly error: Error };

export type CopyReporter = (event: CopyEvent) => void;

export interface CopyFailure {
  readonly path: string;
  readonly error: string;
  /** The error's `code`, when it had one. */
  readonly code?: string;
}

export interface CopySummary {
  /** Paths whose narinfo this run wrote, in the order they were published. */
  readonly copied: string[];
  /** Paths the destination already had. */
  readonly skipped: string[];
  readonly failed: CopyFailure[];
  /** NAR bytes read from the source and pushed to the destination. */
  readonly bytes: number;
  /** Leftover multipart uploads of an earlier run that were aborted first. */
  readonly abortedUploads: number;
  readonly seconds: number;
}
