// Reference-safe garbage collection of a binary cache: narinfos not reachable from the kept roots are deleted
// (referrers before references), then NARs, listings and debuginfo links nothing live points to. Objects younger
// than the grace period, and the closures of young narinfos, are never touched: an upload may still need them.

import type { BinaryCacheStore, CacheObject, PendingMultipartUpload } from "@narwhal/store";
import { compareStorePaths } from "@narwhal/store-path";
import { MaintenanceError } from "./errors.js";
import { mapConcurrent, type ScannedNarInfo } from "./narinfo-scan.js";

export const DEFAULT_GRACE_MS = 3_600_000;

export interface GcOptions {
  /** Store paths whose closures must stay complete. */
  readonly keep: readonly string[];
  /** Only unreachable narinfos older than this (ms) go; younger ones are kept as roots. */
  readonly olderThanMs?: number;
  /** Nothing younger than this (ms) is deleted (default 1 h). */
  readonly graceMs?: number;
  readonly dryRun?: boolean;
  /** The time to measure ages against (default now). */
  readonly now?: Date;
  readonly jobs?: number;
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
  /** Narinfos kept (the closure of the roots plus young narinfos and theirs). */
  readonly keptNarInfos: number;
  readonly deleted: GcDeletion[];
  readonly bytes: number;
  /** Kept roots that have no narinfo in the cache. */
  readonly missingRoots: string[];
  /** Narinfos that could not be parsed; kept, and reported. */
  readonly unreadable: string[];
  /** Multipart uploads older than the grace period, aborted (or to abort in a dry run). */
  readonly abortedUploads: PendingMultipartUpload[];
}

export async function gcCache(store: BinaryCacheStore, options: GcOptions): Promise<GcReport> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!(graceMs >= 0))
    throw new MaintenanceError(
      "BAD_OPTIONS",
      String(graceMs),
      `the grace period must be a non-negative duration, got ${graceMs} ms`,
    );
  const now = (options.now ?? new Date()).getTime();
  const isYoung = (entry: CacheObject, limit: number): boolean =>
    entry.lastModified === undefined || now - entry.lastModified.getTime() < limit;
  const rootPaths = options.keep.map((path) => store.parsePath(path));

  const objects: CacheObject[] = [];
  for await (const entry of store.listObjects()) objects.push(entry);
  const narInfoEntries = objects.filter((entry) => entry.kind === "narinfo");
  const scanned = await mapConcurrent(narInfoEntries, options.jobs ?? 16, (entry) =>
    store.scanNarInfo(entry.hashPart!),
  );
  const byHash = new Map<string, ScannedNarInfo>(scanned.map((item) => [item.hashPart, item]));
  const entryOf = new Map(objects.map((entry) => [entry.key, entry]));

  // Roots: the kept paths, every narinfo still young (grace, or --older-than), and unreadable narinfos.
  const useAge = Math.max(graceMs, options.olderThanMs ?? 0);
  const pending: string[] = rootPaths.map((path) => path.hashPart);
  for (const [index, item] of scanned.entries()) {
    if (item.info === undefined || isYoung(narInfoEntries[index]!, useAge)) pending.push(item.hashPart);
  }
  const live = new Set<string>();
  for (let hash = pending.pop(); hash !== undefined; hash = pending.pop()) {
    if (live.has(hash)) continue;
    live.add(hash);
    const info = byHash.get(hash)?.info;
    for (const reference of info?.references ?? []) if (!live.has(reference.hashPart)) pending.push(reference.hashPart);
  }
  const missingRoots = rootPaths
    .filter((path) => byHash.get(path.hashPart)?.info === undefined)
    .map((path) => path.path);

  const deleted: GcDeletion[] = [];
  // Narinfos, referrers first (reverse topological order), so no surviving narinfo ever lacks a reference.
  const doomed = scanned.filter((item) => item.info !== undefined && !live.has(item.hashPart));
  for (const item of reverseTopological(doomed)) {
    deleted.push({
      key: item.key,
      kind: "narinfo",
      size: entryOf.get(item.key)?.size ?? 0,
      storePath: item.info!.storePath.path,
    });
  }
  const liveNars = new Set<string>();
  for (const hash of live) {
    const url = byHash.get(hash)?.info?.url;
    if (url !== undefined) liveNars.add(url);
  }
  const oldEnough = (entry: CacheObject): boolean => !isYoung(entry, graceMs);
  for (const entry of objects) {
    if (entry.kind === "nar" && !liveNars.has(entry.key) && oldEnough(entry)) {
      deleted.push({ key: entry.key, kind: "nar", size: entry.size });
    }
    if (entry.kind === "listing" && !live.has(entry.hashPart!) && oldEnough(entry))
      deleted.push({ key: entry.key, kind: "listing", size: entry.size });
  }
  for (const entry of objects.filter((item) => item.kind === "debuginfo" && oldEnough(item))) {
    const archive = await store.readDebugInfoArchive(entry.key);
    if (archive !== undefined && !liveNars.has(archive))
      deleted.push({ key: entry.key, kind: "debuginfo", size: entry.size });
  }

  const abortedUploads = (await store.pendingUploads()).filter(
    (upload) => upload.initiated !== undefined && now - upload.initiated.getTime() >= graceMs,
  );
  if (options.dryRun !== true) {
    for (const deletion of deleted) await store.deleteObject(deletion.key);
    for (const upload of abortedUploads) await store.abortUpload(upload);
  }
  return {
    storeUrl: store.url,
    dryRun: options.dryRun === true,
    keptNarInfos: scanned.filter((item) => live.has(item.hashPart)).length,
    deleted,
    bytes: deleted.reduce((sum, item) => sum + item.size, 0),
    missingRoots,
    unreadable: scanned.filter((item) => item.info === undefined).map((item) => item.key),
    abortedUploads,
  };
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
