// The object-store handshake between `store gc` and writers, without a server or a lock: a GC run puts a notice
// (`narwhal-gc/<run id>.json`) naming what it is about to delete before it re-scans and sweeps; a writer reads the
// notices right before it publishes a narinfo and, when one names an object that narinfo leans on, waits until
// that run withdrew its notice, then checks again. The timing argument is in the README ("GC and concurrent pushes").

import { randomBytes } from "node:crypto";
import type { BlobListEntry, BlobStore } from "@narwhal/blob-store";
import { guard, readObject } from "./blob-io.js";
import { GC_NOTICE_CONTENT_TYPE, GC_NOTICE_PREFIX, gcNoticeKey } from "./cache-layout.js";
import { StoreError, messageOf, objectName } from "./errors.js";

/** What a GC run is about to delete: narinfos by hash part, other objects (NARs, listings, links) by key. */
export interface GcDoomed {
  readonly narInfos: readonly string[];
  readonly objects: readonly string[];
}

/** What a narinfo about to be published needs to stay: its own and its references' hash parts, its NAR's key. */
export interface LeanedOn {
  readonly narInfos: readonly string[];
  readonly objects: readonly string[];
}

/**
 * A writer puts a narinfo at most this long after the notices listing it relied on was taken (it reads them and
 * checks again otherwise); a GC's settle time must exceed this plus the narinfo PUT itself.
 */
export const PUBLISH_WINDOW_MS = 5000;

/** The outcome of waitUntilClear: whether it had to wait, and when the listing that found no obstacle was taken. */
export interface NoticeCheck {
  readonly waited: boolean;
  /** Date.now() when that listing was started. */
  readonly readAt: number;
}
/** How often a waiting writer looks again, growing to the maximum. */
export const NOTICE_POLL_START_MS = 100;
export const NOTICE_POLL_MAX_MS = 5000;
/** A writer gives up (GC_RUNNING) after waiting this long for one GC run (a crashed run leaves its notice). */
export const NOTICE_WAIT_LIMIT_MS = 30 * 60 * 1000;

/** A notice's own start time is shown only when it looks like one (the cache is untrusted input). */
const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$/;

interface NoticeListing {
  /** Date.now() when the LIST request was started. */
  readonly at: number;
  readonly entries: readonly BlobListEntry[];
}

interface NoticeContent {
  readonly narInfos: ReadonlySet<string>;
  readonly objects: ReadonlySet<string>;
  /** A notice that cannot be read is taken to doom everything. */
  readonly everything: boolean;
  readonly startedAt: string;
}

/** Puts a notice for a GC run and returns its key; the run must withdraw it (withdrawGcNotice) when it ends. */
export async function announceGc(blobs: BlobStore, storeUrl: string, doomed: GcDoomed, now: Date): Promise<string> {
  const key = gcNoticeKey(`${now.getTime()}-${randomBytes(6).toString("hex")}`);
  const body = JSON.stringify({
    version: 1,
    startedAt: now.toISOString(),
    narInfos: [...doomed.narInfos].sort(),
    objects: [...doomed.objects].sort(),
  });
  await guard(key, storeUrl, "write", () => blobs.put(key, Buffer.from(body), { contentType: GC_NOTICE_CONTENT_TYPE }));
  return key;
}

export async function withdrawGcNotice(blobs: BlobStore, storeUrl: string, key: string): Promise<void> {
  await guard(key, storeUrl, "delete", () => blobs.delete(key));
}

/** A store's view of the GC notices in its cache; one per BinaryCacheStore. */
export class GcNoticeBoard {
  readonly #blobs: BlobStore;
  readonly #storeUrl: string;
  /** Parsed notices by key and LastModified (a notice is written once, so this is only a read saver). */
  #current: Promise<NoticeListing> | undefined;
  #queued: Promise<NoticeListing> | undefined;
  readonly #contents = new Map<string, { readonly stamp: string; readonly content: Promise<NoticeContent> }>();

  constructor(blobs: BlobStore, storeUrl: string) {
    this.#blobs = blobs;
    this.#storeUrl = storeUrl;
  }

  /**
   * Returns once no GC notice names anything in `leanedOn`, waiting (polling) while one does. True when it
   * waited: the caller must then check what it leans on again, since that run may have deleted it.
   */
  async waitUntilClear(leanedOn: LeanedOn, what: string): Promise<NoticeCheck> {
    let waited = false;
    let pause = NOTICE_POLL_START_MS;
    const started = Date.now();
    for (;;) {
      const listing = await this.#list();
      const blocking = await this.#blockingNotice(listing.entries, leanedOn);
      if (blocking === undefined) return { waited, readAt: listing.at };
      if (Date.now() - started > NOTICE_WAIT_LIMIT_MS) {
        throw new StoreError(
          "GC_RUNNING",
          `cannot publish ${what}: the garbage collection announced in ${objectName(blocking.key, this.#storeUrl)} ` +
            `(started ${blocking.startedAt}) is about to delete what it needs and has not finished after ` +
            `${Math.round(NOTICE_WAIT_LIMIT_MS / 60000)} minutes; if no gc is running, delete that object`,
          { key: blocking.key, storeUrl: this.#storeUrl },
        );
      }
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(NOTICE_POLL_MAX_MS, pause * 2);
    }
  }

  async #blockingNotice(
    entries: readonly BlobListEntry[],
    leanedOn: LeanedOn,
  ): Promise<{ key: string; startedAt: string } | undefined> {
    for (const entry of entries) {
      const content = await this.#content(entry);
      const blocks =
        content.everything ||
        leanedOn.narInfos.some((hashPart) => content.narInfos.has(hashPart)) ||
        leanedOn.objects.some((key) => content.objects.has(key));
      if (blocks) return { key: entry.key, startedAt: content.startedAt };
    }
    return undefined;
  }

  /**
   * The notices in the cache, from a listing started after this call: a new one when none is in flight, else the
   * one that starts when the current one ends, shared by every publish arriving meanwhile (at most one LIST in
   * flight per store, however many publishes are due). A listing started before the call is never reused: that
   * would move the read time back, and the settle time would have to cover that too.
   */
  #list(): Promise<NoticeListing> {
    if (this.#current === undefined) {
      const current = this.#fetch();
      this.#current = current;
      const clear = () => {
        if (this.#current === current) this.#current = undefined;
      };
      current.then(clear, clear);
      return current;
    }
    this.#queued ??= this.#current
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.#list();
      });
    return this.#queued;
  }

  async #fetch(): Promise<NoticeListing> {
    const at = Date.now();
    const entries: BlobListEntry[] = [];
    try {
      for await (const entry of this.#blobs.list(GC_NOTICE_PREFIX)) entries.push(entry);
    } catch (error) {
      // A cache that cannot be listed (http://) cannot be garbage-collected by narwhal either: no notices.
      if ((error as { code?: unknown }).code === "UNSUPPORTED") return { at, entries: [] };
      throw new StoreError(
        "TRANSPORT",
        `cannot list ${objectName(GC_NOTICE_PREFIX, this.#storeUrl)}: ${messageOf(error)}`,
        {
          key: GC_NOTICE_PREFIX,
          storeUrl: this.#storeUrl,
          cause: error,
        },
      );
    }
    return { at, entries };
  }

  #content(entry: BlobListEntry): Promise<NoticeContent> {
    const stamp = `${entry.size}@${entry.lastModified?.getTime() ?? ""}`;
    const known = this.#contents.get(entry.key);
    if (known !== undefined && known.stamp === stamp) return known.content;
    const content = this.#read(entry.key);
    this.#contents.set(entry.key, { stamp, content });
    if (this.#contents.size > 64) this.#contents.delete(this.#contents.keys().next().value!);
    return content;
  }

  async #read(key: string): Promise<NoticeContent> {
    const unreadable: NoticeContent = { narInfos: new Set(), objects: new Set(), everything: true, startedAt: "?" };
    let bytes: Buffer | undefined;
    try {
      bytes = await readObject(this.#blobs, key, "gc-notice", this.#storeUrl);
    } catch {
      return unreadable; // too large or unreadable: assume it dooms everything, and wait for it to go
    }
    if (bytes === undefined) return { narInfos: new Set(), objects: new Set(), everything: false, startedAt: "?" };
    try {
      const parsed = JSON.parse(bytes.toString("utf8")) as {
        narInfos?: unknown;
        objects?: unknown;
        startedAt?: unknown;
      };
      const strings = (value: unknown): string[] | undefined =>
        Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;
      const narInfos = strings(parsed.narInfos);
      const objects = strings(parsed.objects);
      if (narInfos === undefined || objects === undefined) return unreadable;
      return {
        narInfos: new Set(narInfos),
        objects: new Set(objects),
        everything: false,
        startedAt: typeof parsed.startedAt === "string" && ISO_TIME.test(parsed.startedAt) ? parsed.startedAt : "?",
      };
    } catch {
      return unreadable;
    }
  }
}
