// Renders a NAR listing the way `nix nar ls` does: plain names, `-l` long lines, `-R` recursion, `--json` nodes.
// Works on the listing's tree (metadata only), so memory does not depend on the NAR's size. Names are escaped for the terminal.
import { formatNarListingNode, formatNarLs, type NarListingNode, type NarLsEntry } from "@narwhal/nar";
import { escapeForTerminal, jsonForTerminal } from "./terminal-text.js";
import { UsageError } from "./usage-error.js";

/** Finds the node at `subpath` ("/", "/bin/hello", "bin/hello"), or throws naming the path. */
export function nodeAt(root: NarListingNode, subpath: string): NarListingNode {
  let node = root;
  const parts = subpath.split("/").filter((p) => p !== "" && p !== ".");
  for (let i = 0; i < parts.length; i++) {
    if (node.type !== "directory") {
      throw new Error(
        `path '${subpath}' does not exist in the NAR ('/${parts.slice(0, i).join("/")}' is a ${node.type}, not a directory)`,
      );
    }
    const next: NarListingNode | undefined = Object.hasOwn(node.entries, parts[i]!)
      ? node.entries[parts[i]!]
      : undefined;
    if (!next) throw new Error(`path '${subpath}' does not exist in the NAR`);
    node = next;
  }
  return node;
}

export interface LsOptions {
  recursive: boolean;
  directory: boolean;
}

/** The entries `nar ls` shows for `node` at `subpath`, in Nix's layout ("./name", or the base name for a non-directory). */
export function lsEntries(node: NarListingNode, subpath: string, opts: LsOptions): NarLsEntry[] {
  const entries: NarLsEntry[] = [];
  const baseName = subpath.split("/").filter(Boolean).pop() ?? "";
  const show = (n: NarListingNode, path: string): void => {
    entries.push({
      path,
      type: n.type,
      size: n.type === "regular" ? n.size : 0,
      executable: n.type === "regular" && n.executable === true,
      ...(n.type === "symlink" ? { target: n.target } : {}),
    });
    if (opts.recursive && n.type === "directory") listDir(n, path);
  };
  const listDir = (n: NarListingNode & { type: "directory" }, rel: string): void => {
    for (const name of Object.keys(n.entries).sort(byBytes)) show(n.entries[name]!, `${rel}/${name}`);
  };
  if (node.type === "directory" && !opts.directory) listDir(node, ".");
  else show(node, node.type === "directory" ? "." : baseName);
  return entries;
}

/**
 * The JSON text of `nar ls --json` / `store ls --json`, as current Nix prints it (keys in byte order, `executable`
 * on every regular file, `narOffset` when non-zero, directory entries `{}` unless recursive), whoever wrote the
 * cache. Strings go through jsonForTerminal: the same JSON value, with what a terminal would act on escaped.
 */
export function lsJson(node: NarListingNode, recursive: boolean): string {
  return formatNarListingNode(node, { shallow: !recursive, quote: jsonForTerminal });
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The options `nar ls` and `store ls` share, with their help lines. */
export const LS_OPTIONS = {
  long: { type: "boolean", short: "l" },
  recursive: { type: "boolean", short: "R" },
  directory: { type: "boolean", short: "d" },
  json: { type: "boolean" },
} as const;

export const LS_OPTION_HELP: ReadonlyArray<readonly [string, string]> = [
  ["-l, --long", "show type, permissions and size"],
  ["-R, --recursive", "list subdirectories recursively"],
  ["-d, --directory", "show a directory itself, not its entries"],
  ["--json", "print the node as JSON, as `nix nar ls --json` does (-R: with every descendant)"],
];

/**
 * Prints the node at `subpath` of a listing as `nix nar ls` / `nix store ls` would, honouring LS_OPTIONS. Entry names
 * and symlink targets come from the NAR, so text output escapes their control characters (a name holding '\n' stays
 * one line) and JSON output escapes what JSON.stringify leaves raw.
 */
export function printListing(
  root: NarListingNode,
  subpath: string,
  options: Record<string, unknown>,
  out: NodeJS.WritableStream,
): void {
  if (options.json && options.directory) throw new UsageError("'--directory' is useless with '--json'");
  const node = nodeAt(root, subpath);
  if (options.json) {
    out.write(`${lsJson(node, Boolean(options.recursive))}\n`);
    return;
  }
  const entries = lsEntries(node, subpath, {
    recursive: Boolean(options.recursive),
    directory: Boolean(options.directory),
  });
  const shown = entries.map((entry) => ({
    ...entry,
    path: escapeForTerminal(entry.path),
    ...(entry.target === undefined ? {} : { target: escapeForTerminal(entry.target) }),
  }));
  out.write(formatNarLs(shown, { long: Boolean(options.long) }));
}
