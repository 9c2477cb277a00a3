// Builds the `.ls` listing of a NAR ({"version":1,"root":...}) from a stream, holding only tree metadata,
// and formats it as compact JSON byte-identical to what `nix copy ...?write-nar-listing=true` writes.

import { parseNar } from "./nar-parser.js";

export interface NarListingRegular {
  type: "regular";
  size: number;
  executable?: true;
  /** Offset of the first content byte in the uncompressed NAR; absent when zero. */
  narOffset?: number;
}

export interface NarListingDirectory {
  type: "directory";
  /** Entry names decoded as UTF-8 (invalid bytes become U+FFFD); a null-prototype object. */
  entries: Record<string, NarListingNode>;
}

export interface NarListingSymlink {
  type: "symlink";
  target: string;
}

export type NarListingNode = NarListingRegular | NarListingDirectory | NarListingSymlink;

export interface NarListing {
  version: 1;
  root: NarListingNode;
}

/** Read a whole NAR stream and return its listing. File contents are skipped, never buffered. */
export async function listNar(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<NarListing> {
  let root: NarListingNode | undefined;
  const directories: NarListingDirectory[] = [];
  for await (const event of parseNar(source)) {
    let node: NarListingNode;
    if (event.type === "directory") node = { type: "directory", entries: Object.create(null) as Record<string, NarListingNode> };
    else if (event.type === "symlink") node = { type: "symlink", target: event.target.toString("utf8") };
    else {
      node = { type: "regular", size: event.size };
      if (event.executable) node.executable = true;
      if (event.narOffset !== 0) node.narOffset = event.narOffset;
    }
    const depth = event.segments.length;
    if (depth === 0) root = node;
    else directories[depth - 1]!.entries[event.segments[depth - 1]!.toString("utf8")] = node;
    directories.length = depth;
    if (node.type === "directory") directories.push(node);
  }
  return { version: 1, root: root! };
}

export interface FormatNarListingOptions {
  /**
   * "nix" (default): key order as Nix 2.8 writes `.ls` files — version, root; type, size, executable, narOffset;
   * type, entries; type, target. "sorted": every object's keys in byte order, as newer Nix (nlohmann::json) writes.
   * Directory entries are always in byte order of their names.
   */
  keyOrder?: "nix" | "sorted";
}

/** Compact JSON text of a listing, matching Nix's `.ls` bytes for UTF-8 names. */
export function formatNarListing(listing: NarListing, options: FormatNarListingOptions = {}): string {
  const sorted = options.keyOrder === "sorted";
  const root = formatNode(listing.root, sorted);
  return sorted ? `{"root":${root},"version":${listing.version}}` : `{"version":${listing.version},"root":${root}}`;
}

function formatNode(node: NarListingNode, sorted: boolean): string {
  const fields: Array<[string, string]> = [["type", JSON.stringify(node.type)]];
  switch (node.type) {
    case "regular":
      fields.push(["size", String(node.size)]);
      if (node.executable === true) fields.push(["executable", "true"]);
      if (node.narOffset !== undefined && node.narOffset !== 0) fields.push(["narOffset", String(node.narOffset)]);
      break;
    case "symlink":
      fields.push(["target", JSON.stringify(node.target)]);
      break;
    case "directory": {
      const names = Object.keys(node.entries).map((name) => ({ name, bytes: Buffer.from(name, "utf8") }));
      names.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
      const entries = names.map(({ name }) => `${JSON.stringify(name)}:${formatNode(node.entries[name]!, sorted)}`);
      fields.push(["entries", `{${entries.join(",")}}`]);
      break;
    }
  }
  if (sorted) fields.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${fields.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
}
