// Checks the invariant a copy must never break, on any cache: every narinfo's NAR object exists and every
// reference of a narinfo has a narinfo. Returns the problems found (empty = consistent).

import type { BinaryCacheStore } from "@narwhal/store";

export async function cacheProblems(store: BinaryCacheStore): Promise<string[]> {
  const problems: string[] = [];
  const hashParts = new Set<string>();
  for await (const hashPart of store.listNarInfos()) hashParts.add(hashPart);
  for (const hashPart of hashParts) {
    const text = await store.blobs.get(`${hashPart}.narinfo`);
    const lines = Buffer.concat(await collectAll(text!.body)).toString("utf8").split("\n");
    const url = lines.find((line) => line.startsWith("URL: "))?.slice(5);
    if (url === undefined || !(await store.blobs.exists(url))) problems.push(`${hashPart}.narinfo: NAR ${url} missing`);
    const references = lines.find((line) => line.startsWith("References: "))?.slice(12).split(" ").filter(Boolean) ?? [];
    for (const reference of references) {
      if (!hashParts.has(reference.slice(0, 32))) problems.push(`${hashPart}.narinfo: reference ${reference} has no narinfo`);
    }
  }
  return problems;
}

async function collectAll(body: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part);
  return parts;
}
