// Orders path infos so every path comes after the paths it refers to (the order narinfos must be published in).
// Kahn's algorithm with a min-heap on path bytes: deterministic, iterative, self references ignored, cycles refused.

import { type StorePath, compareStorePaths } from "@narwhal/store-path";
import { LocalStoreError } from "./errors.js";
import { MinHeap } from "./min-heap.js";

export interface TopoSortable {
  storePath: StorePath;
  references: readonly StorePath[];
}

/**
 * Returns `infos` with references before referrers. References to paths not in `infos` and self references are
 * ignored. Among paths whose references are all placed, the one `first` puts first goes first (default: the
 * smallest path by bytes, so the result depends only on the input set). Throws LOCAL_STORE_REFERENCE_CYCLE naming
 * the paths left in a cycle.
 */
export function topoSort<T extends TopoSortable>(
  infos: readonly T[],
  first: (a: T, b: T) => number = (a, b) => compareStorePaths(a.storePath, b.storePath),
): T[] {
  const byPath = new Map<string, T>();
  for (const info of infos) byPath.set(info.storePath.path, info);
  const pendingReferences = new Map<string, number>();
  const referrers = new Map<string, string[]>();
  for (const [path, info] of byPath) {
    const distinct = new Set(
      info.references
        .map((reference) => reference.path)
        .filter((reference) => reference !== path && byPath.has(reference)),
    );
    pendingReferences.set(path, distinct.size);
    for (const reference of distinct) {
      const list = referrers.get(reference);
      if (list === undefined) referrers.set(reference, [path]);
      else list.push(path);
    }
  }
  const ready = new MinHeap<T>(first);
  for (const [path, count] of pendingReferences) if (count === 0) ready.push(byPath.get(path)!);
  const sorted: T[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    sorted.push(next);
    for (const referrer of referrers.get(next.storePath.path) ?? []) {
      const left = pendingReferences.get(referrer)! - 1;
      pendingReferences.set(referrer, left);
      if (left === 0) ready.push(byPath.get(referrer)!);
    }
  }
  if (sorted.length < byPath.size) {
    const stuck = [...pendingReferences]
      .filter(([, count]) => count > 0)
      .map(([path]) => path)
      .sort();
    const shown = stuck.slice(0, 5).join(", ") + (stuck.length > 5 ? `, … (${stuck.length} in all)` : "");
    throw new LocalStoreError(
      "LOCAL_STORE_REFERENCE_CYCLE",
      stuck[0] ?? "",
      `cannot order store paths topologically: references form a cycle among ${shown}; only a path's reference to itself is allowed`,
    );
  }
  return sorted;
}
