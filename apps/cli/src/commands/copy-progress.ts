// Turns copy events into the `narwhal copy` / `store add` progress display on a terminal: paths done/total, bytes,
// rate and ETA, and a bar for each large NAR in flight (progress/transfer-progress.ts); silent when stderr is not
// a terminal.
import type { CopyEvent, CopyReporter } from "@narwhal/engine";
import { TransferProgress } from "../progress/transfer-progress.js";

export class CopyProgress {
  readonly #progress: TransferProgress;

  constructor(stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env) {
    this.#progress = new TransferProgress(stderr, {
      verb: "copying",
      items: "paths",
      preparing: "finding the paths the destination lacks",
      env,
    });
  }

  readonly reporter: CopyReporter = (event) => this.#on(event);

  #on(event: CopyEvent): void {
    const progress = this.#progress;
    switch (event.type) {
      case "planned":
        progress.plan(event.toCopy, event.bytesToCopy);
        break;
      case "uploads-aborted":
        progress.note(`aborted ${event.count} leftover multipart upload${event.count === 1 ? "" : "s"}`);
        break;
      case "path-started":
        progress.itemStarted(event.path, event.narSize);
        break;
      case "bytes":
        progress.addBytes(event.bytes, event.path);
        break;
      case "path-uploaded":
        progress.itemEnded(event.path);
        break;
      case "path-finished":
        progress.itemDone();
        break;
      case "path-failed":
        progress.itemFailed(event.path);
        break;
      case "path-skipped":
        break;
    }
  }

  /** Clears the display (idempotent: call it before the summary and again in a finally). */
  done(): void {
    this.#progress.done();
  }
}
