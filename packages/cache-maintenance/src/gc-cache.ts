// Reference-safe garbage collection of a binary cache that writers may be pushing to meanwhile, in two phases:
// mark (list, read every narinfo, find what the kept roots and young narinfos need), announce what is doomed in a
// GC notice, wait, re-scan what was written meanwhile (its closures are rescued), sweep (referrers before
// references, then NARs, listings and debuginfo links nothing live needs), withdraw the notice. Objects younger
// than the grace period, and the closures of young narinfos, are never touched. The guarantees and their timing
// assumptions are in the README ("Garbage collection while others push").

import type { BinaryCacheStore, CacheObject, PendingMultipartUpload } from "@narwhal/store";
import { compareStorePaths } from "@narwhal/store-path";
import { MaintenanceError } from "./errors.js";
import { forEachConcurrent, type ScannedNarInfo } from "./narinfo-scan.js";

export const DEFAULT_GRACE_MS = 3_600_000;
/**
 * How long a run waits between announcing and re-scanning: longer than any writer takes from reading the GC
 * notices to its narinfo being stored (the store's PUBLISH_WINDOW_MS, 5 s, plus the narinfo PUT with retries).
 */
export const DEFAULT_SETTLE_MS = 30_000;

export interface GcOptions {
  /** Store paths whose closures must stay complete. */
  readonly keep: readonly string[];
  /** Only unreachable narinfos older than this (ms) go; younger ones are kept as roots. */
  readonly olderThanMs?: number;
  /** Nothing younger than this (ms) is deleted (default 1 h). */
  readonly graceMs?: number;
  /** The wait between announcing and re-scanning (ms, default 30 s); see DEFAULT_SETTLE_MS. */
  readonly settleMs?: number;
  readonly dryRun?: boolean;
  /** The time to measure ages against (default now). */
  readonly now?: Date;
  readonly jobs?: number;
  /**
   * Runs once the notice is up, alongside the settle wait; the re-scan starts when both are over. Tests drive
   * a writer through the run's phases with it.
   */
  readonly whileSettling?: (noticeKey: string) => Promise<void>;
}

export type GcObjectKind = "narinfo" | "nar" | "listing" | "debuginfo";

export interface GcDeletion {
  readonly key: string;
  readonly kind: GcObjectKind;
  readonly size: number;
  readonly storePath?: string;
}

export interface GcReport {
  readonly storeUrl: string;
  readonly dryRun: boolean;
  /** Narinfos kept (the closure of the roots plus young narinfos and theirs, plus what the re-scan rescued). */
  readonly keptNarInfos: number;
  readonly deleted: GcDeletion[];
  readonly bytes: number;
  /** Kept roots that have no narinfo in the cache. */
  readonly missingRoots: string[];
  /** Narinfos that could not be parsed; kept, and reported. */
  readonly unreadable: string[];
  /** Multipart uploads older than the grace period, aborted (or to abort in a dry run). */
  readonly abortedUploads: PendingMultipartUpload[];
  /** Store paths doomed at the mark and kept because a narinfo written during the run needs them. */
  readonly rescued: string[];
}

/** A planned deletion, with what keeps it alive: the narinfo's hash part or the NAR key a link points to. */
interface Doomed extends GcDeletion {
  readonly hashPart?: string;
  readonly archive?: string;
}

export async function gcCache(store: BinaryCacheStore, options: GcOptions): Promise<GcReport> {
  const graceMs = nonNegative(options.graceMs ?? DEFAULT_GRACE_MS, "grace period");
  const settleMs = nonNegative(options.settleMs ?? DEFAULT_SETTLE_MS, "settle time");
  const now = (options.now ?? new Date()).getTime();
  const jobs = options.jobs ?? 16;
  const isYoung = (entry: CacheObject, limit: number): boolean =>
    entry.lastModified === undefined || now - entry.lastModified.getTime() < limit;
  const rootPaths = options.keep.map((path) => store.parsePath(path));

  // Mark: one listing; narinfos are read while it streams.
  const objects: CacheObject[] = [];
  const byHash = new Map<string, ScannedNarInfo>();
  await forEachConcurrent(collecting(store.listObjects(), objects), jobs, async (entry) => {
    if (entry.kind === "narinfo") byHash.set(entry.hashPart!, await store.scanNarInfo(entry.hashPart!));
  });
  const narInfoEntries = objects.filter((entry) => entry.kind === "narinfo");

  // Roots: the kept paths, every narinfo still young (grace, or --older-than), and unreadable narinfos.
  const useAge = Math.max(graceMs, options.olderThanMs ?? 0);
  const roots: string[] = rootPaths.map((path) => path.hashPart);
  for (const entry of narInfoEntries) {
    if (byHash.get(entry.hashPart!)?.info === undefined || isYoung(entry, useAge)) roots.push(entry.hashPart!);
  }
  const live = new Set<string>();
  closeOver(roots, live, byHash);
  const missingRoots = rootPaths
    .filter((path) => byHash.get(path.hashPart)?.info === undefined)
    .map((path) => path.path);

  const markedLive = new Set(live);
  let planned = await plan(store, objects, byHash, live, (entry) => !isYoung(entry, graceMs));
  const rescued: string[] = [];
  if (options.dryRun !== true && planned.length > 0) {
    const noticeKey = await store.announceGc({
      narInfos: planned.filter((item) => item.kind === "narinfo").map((item) => item.hashPart!),
      objects: planned.filter((item) => item.kind !== "narinfo").map((item) => item.key),
    });
    try {
      await Promise.all([delay(settleMs), options.whileSettling?.(noticeKey)]);
      // Re-scan: a narinfo that is new or rewritten since the mark was published during the run; it and its
      // closure stay, whatever the mark decided.
      const marked = new Map(narInfoEntries.map((entry) => [entry.key, entry]));
      const written: string[] = [];
      await forEachConcurrent(store.listObjects(), jobs, async (entry) => {
        if (entry.kind !== "narinfo" || !changedSince(marked.get(entry.key), entry)) return;
        byHash.set(entry.hashPart!, await store.scanNarInfo(entry.hashPart!));
        written.push(entry.hashPart!);
      });
      closeOver(written, live, byHash);
      for (const hash of live) {
        const info = byHash.get(hash)?.info;
        if (!markedLive.has(hash) && info !== undefined && marked.has(`${hash}.narinfo`))
          rescued.push(info.storePath.path);
      }
      const liveNars = liveNarKeys(live, byHash);
      planned = planned.filter((item) => stillDead(item, live, liveNars));
      for (const deletion of planned) await store.deleteObject(deletion.key);
    } finally {
      await store.withdrawGcNotice(noticeKey);
    }
  }

  const abortedUploads = (await store.pendingUploads()).filter(
    (upload) => upload.initiated !== undefined && now - upload.initiated.getTime() >= graceMs,
  );
  if (options.dryRun !== true) for (const upload of abortedUploads) await store.abortUpload(upload);
  const deleted: GcDeletion[] = planned.map(({ key, kind, size, storePath }) => ({
    key,
    kind,
    size,
    ...(storePath === undefined ? {} : { storePath }),
  }));
  return {
    storeUrl: store.url,
    dryRun: options.dryRun === true,
    keptNarInfos: [...byHash.values()].filter((item) => live.has(item.hashPart)).length,
    deleted,
    bytes: deleted.reduce((sum, item) => sum + item.size, 0),
    missingRoots,
    unreadable: [...byHash.values()]
      .filter((item) => item.info === undefined)
      .map((item) => item.key)
      .sort(),
    abortedUploads,
    rescued: rescued.sort(),
  };
}

/** What the sweep would delete: dead narinfos referrers first, then NARs, listings, debuginfo links nothing live needs. */
async function plan(
  store: BinaryCacheStore,
  objects: readonly CacheObject[],
  byHash: ReadonlyMap<string, ScannedNarInfo>,
  live: ReadonlySet<string>,
  oldEnough: (entry: CacheObject) => boolean,
): Promise<Doomed[]> {
  const sizeOf = new Map(objects.map((entry) => [entry.key, entry.size]));
  const doomed: Doomed[] = [];
  const dead = [...byHash.values()].filter((item) => item.info !== undefined && !live.has(item.hashPart));
  for (const item of reverseTopological(dead)) {
    doomed.push({
      key: item.key,
      kind: "narinfo",
      size: sizeOf.get(item.key) ?? 0,
      storePath: item.info!.storePath.path,
      hashPart: item.hashPart,
    });
  }
  const liveNars = liveNarKeys(live, byHash);
  for (const entry of objects) {
    if (entry.kind === "nar" && !liveNars.has(entry.key) && oldEnough(entry)) {
      doomed.push({ key: entry.key, kind: "nar", size: entry.size });
    }
    if (entry.kind === "listing" && !live.has(entry.hashPart!) && oldEnough(entry))
      doomed.push({ key: entry.key, kind: "listing", size: entry.size, hashPart: entry.hashPart! });
  }
  for (const entry of objects.filter((item) => item.kind === "debuginfo" && oldEnough(item))) {
    const archive = await store.readDebugInfoArchive(entry.key);
    if (archive !== undefined && !liveNars.has(archive))
      doomed.push({ key: entry.key, kind: "debuginfo", size: entry.size, archive });
  }
  return doomed;
}

function stillDead(item: Doomed, live: ReadonlySet<string>, liveNars: ReadonlySet<string>): boolean {
  switch (item.kind) {
    case "narinfo":
    case "listing":
      return !live.has(item.hashPart!);
    case "nar":
      return !liveNars.has(item.key);
    case "debuginfo":
      return !liveNars.has(item.archive!);
  }
}

/** Adds `roots` and everything their narinfos reach to `live`. */
function closeOver(roots: readonly string[], live: Set<string>, byHash: ReadonlyMap<string, ScannedNarInfo>): void {
  const pending = [...roots];
  for (let hash = pending.pop(); hash !== undefined; hash = pending.pop()) {
    if (live.has(hash)) continue;
    live.add(hash);
    for (const reference of byHash.get(hash)?.info?.references ?? [])
      if (!live.has(reference.hashPart)) pending.push(reference.hashPart);
  }
}

function liveNarKeys(live: ReadonlySet<string>, byHash: ReadonlyMap<string, ScannedNarInfo>): Set<string> {
  const keys = new Set<string>();
  for (const hash of live) {
    const url = byHash.get(hash)?.info?.url;
    if (url !== undefined) keys.add(url);
  }
  return keys;
}

/** A narinfo absent from the mark's listing, or listed there with another size or time, was written since. */
function changedSince(marked: CacheObject | undefined, now: CacheObject): boolean {
  return (
    marked === undefined || marked.size !== now.size || marked.lastModified?.getTime() !== now.lastModified?.getTime()
  );
}

async function* collecting<T>(items: AsyncIterable<T>, into: T[]): AsyncGenerator<T> {
  for await (const item of items) {
    into.push(item);
    yield item;
  }
}

function delay(ms: number): Promise<void> {
  return ms === 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function nonNegative(ms: number, what: string): number {
  if (!(ms >= 0))
    throw new MaintenanceError("BAD_OPTIONS", String(ms), `the ${what} must be a non-negative duration, got ${ms} ms`);
  return ms;
}

/** Referrers before their references (ties by path), so deleting in this order never orphans a reference early. */
function reverseTopological(items: ScannedNarInfo[]): ScannedNarInfo[] {
  const byPath = new Map(items.map((item) => [item.info!.storePath.path, item]));
  const order: ScannedNarInfo[] = [];
  const state = new Map<string, "visiting" | "done">();
  const sorted = [...items].sort((a, b) => compareStorePaths(a.info!.storePath, b.info!.storePath));
  for (const start of sorted) {
    const stack: Array<{ item: ScannedNarInfo; expanded: boolean }> = [{ item: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      const path = top.item.info!.storePath.path;
      if (top.expanded) {
        state.set(path, "done");
        order.push(top.item);
        continue;
      }
      if (state.has(path)) continue;
      state.set(path, "visiting");
      stack.push({ item: top.item, expanded: true });
      for (const reference of top.item.info!.references) {
        const next = byPath.get(reference.path);
        if (next !== undefined && !state.has(reference.path)) stack.push({ item: next, expanded: false });
      }
    }
  }
  return order.reverse(); // post-order lists references first; reversed, referrers come first
}
