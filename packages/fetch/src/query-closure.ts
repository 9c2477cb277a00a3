// The closure of some store paths in a binary cache: every narinfo reachable through References, looked up in
// parallel, returned references first. A missing narinfo names the path, its referrer and the cache.

import pLimit from "p-limit";
import type { BinaryCacheStore } from "@narwhal/store";
import { topoSort } from "@narwhal/local-store";
import { narInfoFileFor, type NarInfo, type StorePath } from "@narwhal/store-path";
import { throwIfAborted } from "./abortable.js";
import { FetchError } from "./errors.js";

export interface QueryClosureOptions {
  /** Narinfo look-ups in flight at once (default 16). */
  readonly jobs?: number;
  /** Paths whose references need not be followed (e.g. already valid in the destination); they are left out. */
  readonly skip?: (path: StorePath) => boolean;
  /** Stops the look-ups: the call rejects with FetchError ABORTED. */
  readonly signal?: AbortSignal;
}

export async function queryClosure(
  store: BinaryCacheStore,
  roots: ReadonlyArray<StorePath | string>,
  options: QueryClosureOptions = {},
): Promise<NarInfo[]> {
  const limit = pLimit(options.jobs ?? 16);
  const found = new Map<string, NarInfo>();
  const started = new Set<string>();
  const visit = async (path: StorePath, referrer: string | undefined): Promise<void> => {
    if (started.has(path.path)) return;
    started.add(path.path);
    if (options.skip?.(path) === true) return;
    const info = await limit(() => {
      throwIfAborted(options.signal, path.path, `looking up ${path.path}`);
      return store.queryPathInfo(path);
    });
    if (info === undefined) {
      const via = referrer === undefined ? "" : ` (a reference of ${referrer})`;
      const code = referrer === undefined ? "PATH_NOT_IN_CACHE" : "REFERENCE_NOT_IN_CACHE";
      throw new FetchError(code, path.path, `${path.path}${via} is not in ${store.url} (no ${narInfoFileFor(path)})`);
    }
    found.set(path.path, info);
    await Promise.all(info.references.map((reference) => visit(reference, path.path)));
  };
  await Promise.all(roots.map((root) => visit(store.parsePath(root), undefined)));
  return topoSort([...found.values()]);
}
