// The node at a sub-path of a store path's NAR listing. A cache's own `.ls` is never trusted: the store lists the
// verified NAR itself.

import type { NarListingNode } from "@narwhal/nar";
import { StoreError } from "./errors.js";

/** The node at `subpath` ("/", "bin/hello", "/bin/hello"), or a PATH_NOT_IN_CACHE error naming the path. */
export function listingNodeAt(root: NarListingNode, subpath: string, storePath: string): NarListingNode {
  const parts = subpath.split("/").filter((part) => part !== "" && part !== ".");
  let node = root;
  for (const [index, part] of parts.entries()) {
    const here = `${storePath}/${parts.slice(0, index).join("/")}`;
    if (node.type !== "directory") {
      throw new StoreError(
        "PATH_NOT_IN_CACHE",
        `${storePath}/${parts.join("/")} does not exist: ${here} is a ${node.type}, not a directory`,
      );
    }
    if (!Object.hasOwn(node.entries, part))
      throw new StoreError("PATH_NOT_IN_CACHE", `${storePath}/${parts.join("/")} does not exist`);
    node = node.entries[part]!;
  }
  return node;
}
