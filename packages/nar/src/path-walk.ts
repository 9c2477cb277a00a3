// The depth-first, byte-ordered walk of a filesystem path that every NAR dumper shares: one node per directory,
// regular file and symlink, in NAR order. Types come from readdir's d_type, so only the root needs an lstat.

import { lstatSync, readdirSync, type Dirent, type Stats } from "node:fs";
import { tooDeep, unsupportedFileType } from "./dump-errors.js";
import { compareEntryNames } from "./entry-name-rules.js";
import { MAX_NAR_DEPTH } from "./nar-limits.js";

export type WalkedNodeKind = "directory" | "file" | "symlink";

export interface WalkedNode {
  readonly kind: WalkedNodeKind;
  /** Where the node is on disk. */
  readonly fsPath: Buffer;
  /** The entry name (undefined for the root). */
  readonly name: Buffer | undefined;
  /** Entries between the root (0) and the node. */
  readonly depth: number;
}

const SLASH = Buffer.from("/");

/** Nodes of `root` (not followed if it is a symlink) in NAR order; iterative, so deep trees cannot overflow the stack. */
export function* walkPath(root: Buffer): Generator<WalkedNode, void, undefined> {
  const pending: { fsPath: Buffer; name: Buffer | undefined; depth: number; type: Stats | Dirent<Buffer> }[] = [
    { fsPath: root, name: undefined, depth: 0, type: lstatSync(root) },
  ];
  while (pending.length > 0) {
    const { fsPath, name, depth, type } = pending.pop()!;
    const node: WalkedNode = { kind: kindOfStats(fsPath, type), fsPath, name, depth };
    yield node;
    if (node.kind !== "directory") continue;
    const entries = readdirSync(fsPath, { encoding: "buffer", withFileTypes: true }) as Dirent<Buffer>[];
    if (entries.length > 0 && depth + 1 > MAX_NAR_DEPTH) {
      throw tooDeep(fsPath, depth + 1);
    }
    entries.sort((a, b) => compareEntryNames(a.name, b.name));
    for (let index = entries.length - 1; index >= 0; index--) {
      const entry = entries[index]!;
      pending.push({
        fsPath: Buffer.concat([fsPath, SLASH, entry.name]),
        name: entry.name,
        depth: depth + 1,
        type: entry,
      });
    }
  }
}

/** The NAR node kind of a file, or a NAR_UNSUPPORTED_FILE_TYPE error naming it. */
function kindOfStats(fsPath: Buffer, stats: Stats | Dirent<Buffer>): WalkedNodeKind {
  if (stats.isDirectory()) return "directory";
  if (stats.isFile()) return "file";
  if (stats.isSymbolicLink()) return "symlink";
  throw unsupportedFileType(fsPath, describeFileType(stats));
}

function describeFileType(stats: Stats | Dirent<Buffer>): string {
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "of an unknown file type";
}
