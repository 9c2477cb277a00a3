// Checks the invariant a copy must never break, on any cache: every narinfo's NAR object exists and every
// reference of a narinfo has a narinfo. Returns the problems found (empty = consistent).

import type { BinaryCacheStore } from "@narwhal/store";

export async function cacheProblems(store: BinaryCacheStore): Promise<string[]> {
  const problems: string[] = [];
  const hashParts = new Set<string>();
  const keys = new Set<string>();
  for await (const object of store.listObjects()) {
    keys.add(object.key);
    if (object.kind === "narinfo") hashParts.add(object.hashPart!);
  }
  for (const hashPart of hashParts) {
    const scanned = await store.scanNarInfo(hashPart);
    if (scanned.info === undefined) {
      problems.push(`${hashPart}.narinfo: ${scanned.problem}`);
      continue;
    }
    if (!keys.has(scanned.info.url)) problems.push(`${hashPart}.narinfo: NAR ${scanned.info.url} missing`);
    for (const reference of scanned.info.references) {
      if (!hashParts.has(reference.hashPart))
        problems.push(`${hashPart}.narinfo: reference ${reference.path} has no narinfo`);
    }
  }
  return problems;
}
