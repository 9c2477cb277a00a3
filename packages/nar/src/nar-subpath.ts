// Turns a user-supplied path inside a NAR ("/bin/hello", "bin/hello", "/") into segments and relates NAR nodes to it.
// Empty segments are ignored, so "/", "" and "//" all name the root.

import type { NarEvent } from "./nar-events.js";

/** Split a subpath on "/" into byte segments, ignoring empty ones. */
export function splitSubpath(subpath: string | Buffer): Buffer[] {
  const bytes = typeof subpath === "string" ? Buffer.from(subpath, "utf8") : subpath;
  const segments: Buffer[] = [];
  let start = 0;
  for (let index = 0; index <= bytes.length; index++) {
    if (index === bytes.length || bytes[index] === 0x2f) {
      if (index > start) segments.push(bytes.subarray(start, index));
      start = index + 1;
    }
  }
  return segments;
}

/** Display form of segments: "/" for the root, otherwise "/a/b". */
export function displaySubpath(segments: readonly Buffer[]): string {
  return `/${segments.map((segment) => segment.toString("utf8")).join("/")}`;
}

/** True when `prefix` is `segments` or one of its ancestors. */
export function isPrefixOf(prefix: readonly Buffer[], segments: readonly Buffer[]): boolean {
  return prefix.length <= segments.length && prefix.every((segment, index) => segment.equals(segments[index]!));
}

export function describeNodeType(event: NarEvent): string {
  return event.type === "file" ? "a regular file" : event.type === "directory" ? "a directory" : "a symlink";
}
