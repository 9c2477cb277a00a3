// NAR listings for a store path: read the cache's `<hash>.ls` ({"version":1,"root":...}) when present, and find
// the node at a sub-path of a listing. Computing a listing from the NAR itself is the store's fallback.

import { formatNarListing, type NarListing, type NarListingNode } from "@narwhal/nar";
import type { BlobStore } from "./blob-store.js";
import { readSmallObject } from "./blob-io.js";
import { StoreError, messageOf, objectName } from "./errors.js";

export function listingKey(hashPart: string): string {
  return `${hashPart}.ls`;
}

/** The cache's listing object, decoded and shape-checked, or undefined when there is none. */
export async function readListingObject(blobs: BlobStore, hashPart: string, storeUrl: string): Promise<NarListing | undefined> {
  const key = listingKey(hashPart);
  const bytes = await readSmallObject(blobs, key, storeUrl);
  if (bytes === undefined) return undefined;
  const corrupt = (rule: string, cause?: unknown): never => {
    throw new StoreError("LISTING_CORRUPT", `listing ${objectName(key, storeUrl)} is corrupt: ${rule}`, { key, storeUrl, cause });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    corrupt(`not JSON (${messageOf(error)})`, error);
  }
  const listing = parsed as Partial<NarListing> | null;
  if (listing === null || typeof listing !== "object" || listing.version !== 1) corrupt(`expected {"version":1,"root":...}`);
  if (!isNode(listing!.root)) corrupt("root is not a listing node");
  return listing as NarListing;
}

function isNode(value: unknown): value is NarListingNode {
  if (value === null || typeof value !== "object") return false;
  const node = value as { type?: unknown; entries?: unknown; size?: unknown; target?: unknown };
  if (node.type === "regular") return typeof node.size === "number";
  if (node.type === "symlink") return typeof node.target === "string";
  if (node.type === "directory") return node.entries !== null && typeof node.entries === "object";
  return false;
}

/** Nix's local-nar-cache form: the root node alone, without the version wrapper. */
export function formatBareRoot(listing: NarListing): string {
  const text = formatNarListing(listing);
  const prefix = '{"version":1,"root":';
  return text.startsWith(prefix) ? text.slice(prefix.length, -1) : JSON.stringify(listing.root);
}

/** The node at `subpath` ("/", "bin/hello", "/bin/hello"), or a PATH_NOT_IN_CACHE error naming the path. */
export function listingNodeAt(root: NarListingNode, subpath: string, storePath: string): NarListingNode {
  const parts = subpath.split("/").filter((part) => part !== "" && part !== ".");
  let node = root;
  for (const [index, part] of parts.entries()) {
    const here = `${storePath}/${parts.slice(0, index).join("/")}`;
    if (node.type !== "directory") {
      throw new StoreError("PATH_NOT_IN_CACHE", `${storePath}/${parts.join("/")} does not exist: ${here} is a ${node.type}, not a directory`);
    }
    if (!Object.hasOwn(node.entries, part)) throw new StoreError("PATH_NOT_IN_CACHE", `${storePath}/${parts.join("/")} does not exist`);
    node = node.entries[part]!;
  }
  return node;
}
