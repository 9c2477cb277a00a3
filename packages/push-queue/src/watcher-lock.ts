// One watcher per queue: `watcher.pid` in the queue directory holds the running watcher's process id. A file left
// by a watcher that was killed names a process that no longer exists, and the next watcher takes it over.

import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PushQueueError, messageOf } from "./errors.js";

export class WatcherLock {
  readonly file: string;
  #held = true;

  private constructor(file: string) {
    this.file = file;
  }

  /** Takes the lock of the queue in `directory`; QUEUE_LOCKED when a live process holds it. */
  static async acquire(directory: string): Promise<WatcherLock> {
    const file = join(directory, "watcher.pid");
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(file, `${process.pid}\n`, { flag: "wx", mode: 0o644 });
        return new WatcherLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST")
          throw new PushQueueError("QUEUE_UNWRITABLE", file, `cannot create ${file}: ${messageOf(error)}`, {
            cause: error,
          });
      }
      const holder = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new PushQueueError(
          "QUEUE_LOCKED",
          file,
          `another watcher (process ${holder}) is draining the push queue ${directory}; stop it first or use another --queue`,
        );
      }
      await unlink(file).catch(() => {}); // left by a watcher that is gone
    }
    throw new PushQueueError("QUEUE_LOCKED", file, `cannot take ${file}: another watcher keeps recreating it`);
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    const holder = await readFile(this.file, "utf8").catch(() => "");
    if (holder.trim() === String(process.pid)) await unlink(this.file).catch(() => {});
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
