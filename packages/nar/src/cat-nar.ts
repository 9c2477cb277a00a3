// `nar cat` and `nar ls`: stream one regular file out of a NAR, or list a node, reading the NAR once from the front.
// The whole NAR is always read to its end, so a corrupt tail is still reported.

import { NarError } from "./errors.js";
import type { NarEvent } from "./nar-events.js";
import { parseNar } from "./nar-parser.js";
import { describeNodeType, displaySubpath, isPrefixOf, splitSubpath } from "./nar-subpath.js";

/**
 * Contents of the regular file at `subpath`; fails if it is missing, a directory or a symlink. Every refusal says
 * `NAR does not contain regular file '<subpath as given>'`, as `nix nar cat` does (Nix 2.33 and later; Nix's own
 * tests grep it), followed by what is there instead.
 */
export async function* catNar(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  subpath: string | Buffer,
): AsyncGenerator<Buffer, void, undefined> {
  const wanted = splitSubpath(subpath);
  const refusal = `NAR does not contain regular file '${typeof subpath === "string" ? subpath : subpath.toString("utf8")}'`;
  let found = false;
  for await (const event of parseNar(source)) {
    checkNotBlocked(event, wanted, refusal);
    if (event.segments.length !== wanted.length || !isPrefixOf(event.segments, wanted)) continue;
    if (event.type !== "file") {
      throw new NarError("NAR_NOT_A_REGULAR_FILE", `${refusal}: it is ${describeNodeType(event)}`, {
        path: displaySubpath(wanted),
      });
    }
    found = true;
    yield* event.contents;
  }
  if (!found) throw notFound(wanted, refusal);
}

export interface NarLsEntry {
  /** "./name" (or "./dir/name" when recursive) for directory members, the base name for a single node. */
  path: string;
  type: "regular" | "directory" | "symlink";
  /** Bytes of a regular file; 0 for other types. */
  size: number;
  executable: boolean;
  /** Symlink target (UTF-8 decoded). */
  target?: string;
}

export interface LsNarOptions {
  /** List every descendant of a directory, not only its direct entries. */
  recursive?: boolean;
}

/** The entries of the directory at `subpath` (in NAR order), or the node itself when it is not a directory. */
export async function lsNar(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  subpath: string | Buffer,
  options: LsNarOptions = {},
): Promise<NarLsEntry[]> {
  const wanted = splitSubpath(subpath);
  const entries: NarLsEntry[] = [];
  let found = false;
  const refusal = `path '${displaySubpath(wanted)}' does not exist in the NAR`;
  for await (const event of parseNar(source)) {
    checkNotBlocked(event, wanted, refusal);
    if (!isPrefixOf(wanted, event.segments)) continue;
    const relative = event.segments.slice(wanted.length);
    if (relative.length === 0) {
      found = true;
      if (event.type !== "directory") {
        const base = wanted.length === 0 ? "." : wanted[wanted.length - 1]!.toString("utf8");
        entries.push(toLsEntry(event, base));
      }
    } else if (relative.length === 1 || options.recursive === true) {
      entries.push(toLsEntry(event, `./${relative.map((segment) => segment.toString("utf8")).join("/")}`));
    }
  }
  if (!found) throw notFound(wanted, refusal);
  return entries;
}

const PERMISSIONS = { directory: "dr-xr-xr-x", symlink: "lrwxrwxrwx", executable: "-r-xr-xr-x", regular: "-r--r--r--" };

/** Text like `nix nar ls` prints: one path per line, or with `long` the mode string, size and symlink target. */
export function formatNarLs(entries: readonly NarLsEntry[], options: { long?: boolean } = {}): string {
  return entries
    .map((entry) => {
      if (options.long !== true) return `${entry.path}\n`;
      const mode =
        entry.type === "regular"
          ? entry.executable
            ? PERMISSIONS.executable
            : PERMISSIONS.regular
          : PERMISSIONS[entry.type];
      const suffix = entry.type === "symlink" ? ` -> ${entry.target ?? ""}` : "";
      return `${mode} ${String(entry.size).padStart(20)} ${entry.path}${suffix}\n`;
    })
    .join("");
}

function toLsEntry(event: NarEvent, path: string): NarLsEntry {
  switch (event.type) {
    case "file":
      return { path, type: "regular", size: event.size, executable: event.executable };
    case "directory":
      return { path, type: "directory", size: 0, executable: false };
    case "symlink":
      return { path, type: "symlink", size: 0, executable: false, target: event.target.toString("utf8") };
  }
}

/** A non-directory that is a proper ancestor of the wanted path means the path cannot exist. */
function checkNotBlocked(event: NarEvent, wanted: readonly Buffer[], refusal: string): void {
  if (event.type !== "directory" && event.segments.length < wanted.length && isPrefixOf(event.segments, wanted)) {
    throw new NarError(
      "NAR_PATH_NOT_FOUND",
      `${refusal}: '${displaySubpath(event.segments)}' is ${describeNodeType(event)}, not a directory`,
      { path: displaySubpath(wanted) },
    );
  }
}

function notFound(wanted: readonly Buffer[], refusal: string): NarError {
  return new NarError("NAR_PATH_NOT_FOUND", refusal, { path: displaySubpath(wanted) });
}
