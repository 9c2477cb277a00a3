// Builds the `.ls` listing of a NAR ({"version":1,"root":...}) from a stream, holding only tree metadata,
// and formats it, or one node of it, as compact JSON byte-identical to what Nix writes (current Nix, or Nix 2.8).

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
    if (event.type === "directory")
      node = { type: "directory", entries: Object.create(null) as Record<string, NarListingNode> };
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

/**
 * Which Nix's bytes to write. "nix" (the default): current Nix (2.35 and later; nlohmann::json objects): every
 * object's keys in byte order, and `executable` on every regular file (`false` too). "nix-2.8": Nix 2.8's bytes:
 * version, root; type, size, executable (only when true), narOffset; type, entries; type, target. Every Nix reads
 * both (they are JSON; a missing `executable` means false), so caches get "nix"; "nix-2.8" is for tests and for
 * seeds of readers that must keep reading caches old writers made.
 */
export type NarListingForm = "nix" | "nix-2.8";

export interface FormatNarListingOptions {
  /** Default "nix". */
  form?: NarListingForm;
  /**
   * @deprecated Use `form`. "sorted" is `form: "nix"`, "nix" is `form: "nix-2.8"`; ignored when `form` is given.
   */
  keyOrder?: "nix" | "sorted";
}

export interface FormatNarListingNodeOptions extends FormatNarListingOptions {
  /**
   * Directory entries as `{}` instead of their nodes: the form of `nix nar ls --json` / `nix store ls --json`
   * without `-R` (Nix's listNarShallow).
   */
  shallow?: boolean;
  /**
   * Writes one string as a JSON string literal (default JSON.stringify). A caller printing to a terminal passes an
   * escaping one that keeps the JSON value.
   */
  quote?: (text: string) => string;
}

/** Compact JSON text of a listing, `{"root":…,"version":1}`: the bytes Nix writes as a cache's `.ls`. */
export function formatNarListing(listing: NarListing, options: FormatNarListingOptions = {}): string {
  const form = formOf(options);
  const root = formatNode(listing.root, form, false, JSON.stringify);
  return form === "nix-2.8"
    ? `{"version":${listing.version},"root":${root}}`
    : `{"root":${root},"version":${listing.version}}`;
}

/**
 * Compact JSON text of one node: what `nix nar ls --json` and `nix store ls --json` print (with `shallow` unless
 * `-R`), and the bare root Nix keeps as `<hash>.ls` in a local NAR cache.
 */
export function formatNarListingNode(node: NarListingNode, options: FormatNarListingNodeOptions = {}): string {
  return formatNode(node, formOf(options), options.shallow === true, options.quote ?? JSON.stringify);
}

function formOf(options: FormatNarListingOptions): NarListingForm {
  if (options.form !== undefined) return options.form;
  return options.keyOrder === "nix" ? "nix-2.8" : "nix";
}

function formatNode(
  node: NarListingNode,
  form: NarListingForm,
  shallow: boolean,
  quote: (text: string) => string,
): string {
  const fields: Array<[string, string]> = [["type", quote(node.type)]];
  switch (node.type) {
    case "regular":
      fields.push(["size", String(node.size)]);
      if (node.executable === true) fields.push(["executable", "true"]);
      else if (form === "nix") fields.push(["executable", "false"]);
      if (node.narOffset !== undefined && node.narOffset !== 0) fields.push(["narOffset", String(node.narOffset)]);
      break;
    case "symlink":
      fields.push(["target", quote(node.target)]);
      break;
    case "directory": {
      const names = Object.keys(node.entries).map((name) => ({ name, bytes: Buffer.from(name, "utf8") }));
      names.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
      const entries = names.map(
        ({ name }) => `${quote(name)}:${shallow ? "{}" : formatNode(node.entries[name]!, form, false, quote)}`,
      );
      fields.push(["entries", `{${entries.join(",")}}`]);
      break;
    }
  }
  if (form === "nix") fields.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${fields.map(([key, value]) => `${quote(key)}:${value}`).join(",")}}`;
}
