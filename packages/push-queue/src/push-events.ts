// What a running watcher reports: one event per path pushed, retried or given up, and its start and end. The
// CLI prints each as one JSON line (`--json`); the copy progress of each batch goes to a CopyReporter besides.

export type PushEvent =
  | {
      readonly type: "watching";
      /** The local store watched (`local`, `local?root=…`). */
      readonly store: string;
      readonly database: string;
      readonly queue: string;
      readonly to: string;
      /** Paths waiting in the queue when the watcher started. */
      readonly queued: number;
    }
  | {
      readonly type: "pushed";
      readonly path: string;
      /** False when the cache already had the path (and so its closure). */
      readonly uploaded: boolean;
      /** Attempts it took (1 = the first). */
      readonly attempts: number;
    }
  | {
      readonly type: "retrying";
      readonly path: string;
      /** The attempt that failed (1 = the first). */
      readonly attempt: number;
      readonly error: string;
      readonly code?: string;
      readonly retryInSeconds: number;
    }
  | {
      readonly type: "failed";
      /** The store path, or the queue file's name when the file did not say a path. */
      readonly path: string;
      readonly attempts: number;
      readonly error: string;
      readonly code?: string;
    }
  | { readonly type: "stopping"; readonly reason: string }
  | {
      readonly type: "stopped";
      readonly pushed: number;
      readonly failed: number;
      /** Paths left in the queue for the next watcher (interrupted uploads, retries not yet due). */
      readonly queued: number;
    };

export type PushEventListener = (event: PushEvent) => void;
