// Moves new valid paths from the Nix database into the push queue: every path registered after the cursor (except
// .drv files) is queued durably, then the cursor moves past it. The cursor is on disk too, so paths that became
// valid while no watcher ran (or while one was being killed) are queued by the next one.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileDurably } from "./durable-file.js";
import type { PushQueue } from "./push-queue.js";
import type { ValidPathFeed } from "./valid-path-feed.js";

/** Rows read from the database at once: what the intake holds in memory, however many paths arrive. */
const PAGE = 512;
const CURSOR_FILE = "watch-cursor";

interface Cursor {
  readonly database: string;
  readonly lastId: number;
}

export class NewPathIntake {
  readonly #feed: ValidPathFeed;
  readonly #queue: PushQueue;
  #lastId: number;
  #running: Promise<void> | undefined;
  #again = false;

  private constructor(feed: ValidPathFeed, queue: PushQueue, lastId: number) {
    this.#feed = feed;
    this.#queue = queue;
    this.#lastId = lastId;
  }

  /**
   * Resumes from the cursor the queue holds for this database; without one (or when the database's ids are now
   * lower, i.e. it is another database at the same place) it starts at the newest path: only paths registered
   * from now on are pushed.
   */
  static async start(feed: ValidPathFeed, queue: PushQueue): Promise<NewPathIntake> {
    const saved = await readCursor(queue.directory);
    const highest = feed.highestId();
    const resume = saved !== undefined && saved.database === feed.databaseFile && saved.lastId <= highest;
    const intake = new NewPathIntake(feed, queue, resume ? saved.lastId : highest);
    if (!resume) await intake.#saveCursor();
    return intake;
  }

  /** Id of the newest path already queued. */
  get lastId(): number {
    return this.#lastId;
  }

  /** Queues what is new; calls made while one runs are folded into one more run after it. */
  drain(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#drainOnce();
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #drainOnce(): Promise<void> {
    for (;;) {
      const rows = this.#feed.after(this.#lastId, PAGE);
      if (rows.length === 0) return;
      await this.#queue.enqueue(rows.filter((row) => !row.path.endsWith(".drv")).map((row) => row.path));
      this.#lastId = rows[rows.length - 1]!.id;
      await this.#saveCursor();
      if (rows.length < PAGE) return;
    }
  }

  async #saveCursor(): Promise<void> {
    const cursor: Cursor = { database: this.#feed.databaseFile, lastId: this.#lastId };
    await writeFileDurably(
      this.#queue.tempDirectory,
      this.#queue.directory,
      CURSOR_FILE,
      `${JSON.stringify(cursor)}\n`,
    );
  }
}

async function readCursor(directory: string): Promise<Cursor | undefined> {
  try {
    const value = JSON.parse(await readFile(join(directory, CURSOR_FILE), "utf8")) as Partial<Cursor>;
    if (typeof value.database === "string" && Number.isSafeInteger(value.lastId) && value.lastId! >= 0)
      return { database: value.database, lastId: value.lastId! };
  } catch {
    // no cursor yet (or an unreadable one): start from now
  }
  return undefined;
}
