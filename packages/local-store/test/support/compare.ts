// Puts our LocalPathInfo into the shape `nix path-info --json` prints (SRI NarHash, optional fields omitted when
// empty), and checks that a list of path infos is in topological order.

import { formatHash } from "@narwhal/store-path";
import type { LocalPathInfo } from "../../src/index.js";
import type { NixPathInfoJson } from "./nix-cli.js";

export function asNixJson(info: LocalPathInfo): NixPathInfoJson {
  const json: NixPathInfoJson = {
    path: info.storePath.path,
    narHash: formatHash(info.narHash, "sri"),
    narSize: info.narSize,
    references: info.references.map((reference) => reference.path),
    registrationTime: info.registrationTime,
  };
  if (info.deriver !== undefined) json.deriver = info.deriver.path;
  if (info.sigs.length > 0) json.signatures = info.sigs;
  if (info.ca !== undefined) json.ca = info.ca;
  if (info.ultimate) json.ultimate = true;
  return json;
}

/** Index of the first path that comes before one of its (non-self) references, or -1 when the order is topological. */
export function firstOutOfOrder(infos: readonly LocalPathInfo[]): number {
  const seen = new Set<string>();
  for (const [index, info] of infos.entries()) {
    for (const reference of info.references) {
      if (reference.path !== info.storePath.path && !seen.has(reference.path)) return index;
    }
    seen.add(info.storePath.path);
  }
  return -1;
}

/** `nix path-info --json` lists paths sorted by path; sort ours the same way before comparing. */
export function sortByPath(infos: NixPathInfoJson[]): NixPathInfoJson[] {
  return [...infos].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}
