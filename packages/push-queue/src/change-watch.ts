// Wakes a loop when a directory changes: fs.watch (inotify) for promptness, and a slow timer for file systems where
// change events do not arrive (network file systems, a directory replaced under the watcher).

import { type FSWatcher, watch } from "node:fs";

export interface ChangeWatch {
  close(): void;
}

/** Calls `onChange` when a file in `directory` accepted by `relevant` changes, and every `pollMs` regardless. */
export function watchDirectory(
  directory: string,
  relevant: (fileName: string) => boolean,
  onChange: () => void,
  pollMs: number,
): ChangeWatch {
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(directory, { persistent: false }, (_event, fileName) => {
      if (fileName === null || relevant(fileName.toString())) onChange();
    });
    watcher.on("error", () => {
      watcher?.close(); // the timer below still wakes the loop
      watcher = undefined;
    });
  } catch {
    watcher = undefined; // no change events here: the timer is all there is
  }
  const timer = setInterval(onChange, pollMs); // keeps the process alive while it watches
  return {
    close() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}

/** A wake-up call that is not lost when it comes while nobody waits: the next wait returns at once. */
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  fire(): void {
    this.#pending = true;
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.();
  }

  /** Resolves on the next fire() (or one that came since the last wait), or after `ms`. */
  async wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#resolve = resolve;
      if (Number.isFinite(ms)) timer = setTimeout(resolve, Math.max(0, ms));
    });
    clearTimeout(timer);
    this.#pending = false;
  }
}
