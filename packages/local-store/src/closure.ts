// The closure of a set of store paths: every path reachable through references (and, on request, the outputs of
// derivations), walked iteratively and returned in topological order, references first.

import type { LocalPathInfo } from "./path-info-query.js";
import { LocalStoreError } from "./errors.js";
import { topoSort } from "./topo-sort.js";

export interface ClosureOptions {
  /** Also include the valid outputs of every derivation (`.drv`) in the closure, and their closures. Default false. */
  includeOutputs?: boolean;
}

/** What the closure walk needs from a store. */
export interface ClosureSource {
  pathInfo(path: string): LocalPathInfo | undefined;
  /** Recorded output paths of a derivation path (valid or not). */
  derivationOutputs(drvPath: string): string[];
}

/** Every path reachable from `roots`, references before referrers; a root or reference that is not valid is an error. */
export function computeClosure(
  source: ClosureSource,
  roots: readonly string[],
  options: ClosureOptions = {},
): LocalPathInfo[] {
  const found = new Map<string, LocalPathInfo>();
  const pending: Array<{ path: string; from?: string }> = roots.map((path) => ({ path }));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (found.has(next.path)) continue;
    const info = source.pathInfo(next.path);
    if (info === undefined) throw notValid(next.path, next.from);
    found.set(next.path, info);
    for (const reference of info.references)
      if (!found.has(reference.path)) pending.push({ path: reference.path, from: next.path });
    if (options.includeOutputs === true && next.path.endsWith(".drv")) {
      for (const output of source.derivationOutputs(next.path)) {
        if (!found.has(output) && source.pathInfo(output) !== undefined)
          pending.push({ path: output, from: next.path });
      }
    }
  }
  return topoSort([...found.values()]);
}

function notValid(path: string, referrer: string | undefined): LocalStoreError {
  const where = referrer === undefined ? "" : ` (referred to by ${referrer}; the database is inconsistent)`;
  return new LocalStoreError(
    "LOCAL_STORE_PATH_NOT_VALID",
    path,
    `cannot compute the closure: ${path} is not a valid path in the local store${where}`,
  );
}
