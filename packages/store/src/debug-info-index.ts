// The `index-debug-info` links: for every `lib/debug/.build-id/xx/<38 hex>.debug` file in a NAR, an object
// `debuginfo/<build-id>.debug` with JSON {"archive":"../<NAR url>","member":"<path in NAR>"}, skipped when present.

import type { NarListing, NarListingNode } from "@narwhal/nar";
import type { BlobStore } from "@narwhal/blob-store";
import { guard, readObject } from "./blob-io.js";
import { DEBUG_INFO_CONTENT_TYPE, debugInfoKey } from "./cache-layout.js";

export interface DebugInfoLink {
  readonly buildId: string;
  /** Path of the debug file inside the NAR, without a leading '/'. */
  readonly member: string;
}

const BUILD_ID_DIR = ["lib", "debug", ".build-id"];

export function findDebugInfoLinks(listing: NarListing): DebugInfoLink[] {
  let node: NarListingNode | undefined = listing.root;
  for (const name of BUILD_ID_DIR) {
    node = node?.type === "directory" && Object.hasOwn(node.entries, name) ? node.entries[name] : undefined;
  }
  if (node?.type !== "directory") return [];
  const links: DebugInfoLink[] = [];
  for (const prefix of Object.keys(node.entries).sort()) {
    const sub = node.entries[prefix];
    if (!/^[0-9a-f]{2}$/.test(prefix) || sub?.type !== "directory") continue;
    for (const file of Object.keys(sub.entries).sort()) {
      if (!/^[0-9a-f]{38}\.debug$/.test(file) || sub.entries[file]?.type !== "regular") continue;
      links.push({ buildId: prefix + file.slice(0, 38), member: `${BUILD_ID_DIR.join("/")}/${prefix}/${file}` });
    }
  }
  return links;
}

/** Writes the links that do not exist yet; returns the keys written. */
export async function writeDebugInfoLinks(
  blobs: BlobStore,
  narUrl: string,
  links: readonly DebugInfoLink[],
  storeUrl: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const link of links) {
    const key = debugInfoKey(link.buildId);
    if (await guard(key, storeUrl, "check", () => blobs.exists(key))) continue;
    const body = JSON.stringify({ archive: `../${narUrl}`, member: link.member });
    await guard(key, storeUrl, "write", () =>
      blobs.put(key, Buffer.from(body), { contentType: DEBUG_INFO_CONTENT_TYPE }),
    );
    written.push(key);
  }
  return written;
}

/** The NAR key a debuginfo link points to (`archive` without its `../`), or undefined for an unreadable link. */
export async function readDebugInfoArchive(
  blobs: BlobStore,
  key: string,
  storeUrl: string,
): Promise<string | undefined> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readObject(blobs, key, "debuginfo", storeUrl);
  } catch {
    return undefined;
  }
  if (bytes === undefined) return undefined;
  try {
    const parsed = JSON.parse(bytes.toString("utf8")) as { archive?: unknown } | null;
    const archive = parsed?.archive;
    return typeof archive === "string" && archive.startsWith("../") ? archive.slice(3) : undefined;
  } catch {
    return undefined;
  }
}
