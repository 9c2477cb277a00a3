// The NAR framing a dump writes around each node, written straight into the output buffer with no allocation:
// the dump's walk already guarantees what NarWriter checks (readdir names, byte order, depth), so only the number
// of open directories is tracked.

import { NAR_MAGIC, narTokens, paddingLength } from "./nar-format.js";
import { validateSymlinkTarget } from "./symlink-target-rules.js";
import { badSymlinkTarget } from "./dump-errors.js";
import { MAX_SYMLINK_TARGET_LENGTH } from "./nar-limits.js";

const MAGIC = narTokens(NAR_MAGIC);
const DIRECTORY = narTokens("(", "type", "directory");
const REGULAR = narTokens("(", "type", "regular");
const EXECUTABLE = narTokens("executable", "");
const CONTENTS = narTokens("contents");
const SYMLINK = narTokens("(", "type", "symlink", "target");
const ENTRY = narTokens("entry", "(", "name");
const NODE = narTokens("node");
const CLOSE = narTokens(")");
const CLOSE_NODE_AND_ENTRY = narTokens(")", ")");

/** Most bytes one node's framing takes apart from a symlink target (closes for 64 levels, entry, name, header). */
export const FRAMING_ROOM = 4 * 1024;

/** The smallest output buffer a dump can write into: framing plus the longest symlink target. */
export const MIN_DUMP_BUFFER = FRAMING_ROOM + MAX_SYMLINK_TARGET_LENGTH + 16;

export class DumpFraming {
  /** Directories open right now; the deepest one is at depth open - 1. */
  #open = 0;

  /** Framing up to and including the directory header; returns the offset after it. */
  directory(target: Buffer, offset: number, depth: number, name: Buffer | undefined): number {
    offset = this.#nodeStart(target, offset, depth, name);
    this.#open = depth + 1;
    return put(target, offset, DIRECTORY);
  }

  /** A whole symlink node. */
  symlink(
    target: Buffer,
    offset: number,
    depth: number,
    name: Buffer | undefined,
    linkTarget: Buffer,
    fsPath: Buffer,
  ): number {
    if (validateSymlinkTarget(linkTarget) !== undefined) throw badSymlinkTarget(fsPath, linkTarget);
    offset = this.#nodeStart(target, offset, depth, name);
    offset = putToken(target, put(target, offset, SYMLINK), linkTarget);
    return put(target, offset, depth > 0 ? CLOSE_NODE_AND_ENTRY : CLOSE);
  }

  /** Framing up to and including the file's u64 size; `size` content bytes follow. */
  fileStart(
    target: Buffer,
    offset: number,
    depth: number,
    name: Buffer | undefined,
    size: number,
    executable: boolean,
  ): number {
    offset = put(target, this.#nodeStart(target, offset, depth, name), REGULAR);
    if (executable) offset = put(target, offset, EXECUTABLE);
    offset = putU64(target, put(target, offset, CONTENTS), size);
    return offset;
  }

  /** Padding and closing after a file's `size` content bytes. */
  fileEnd(target: Buffer, offset: number, depth: number, size: number): number {
    offset = putPadding(target, offset, size);
    return put(target, offset, depth > 0 ? CLOSE_NODE_AND_ENTRY : CLOSE);
  }

  /** Closes open directories until `open` remain (0: the NAR is complete). */
  closeTo(target: Buffer, offset: number, open: number): number {
    return this.#closeTo(target, offset, open);
  }

  #nodeStart(target: Buffer, offset: number, depth: number, name: Buffer | undefined): number {
    offset = this.#closeTo(target, offset, depth);
    if (name === undefined) return put(target, offset, MAGIC);
    return put(target, putToken(target, put(target, offset, ENTRY), name), NODE);
  }

  #closeTo(target: Buffer, offset: number, depth: number): number {
    while (this.#open > depth) {
      this.#open--;
      offset = put(target, offset, this.#open > 0 ? CLOSE_NODE_AND_ENTRY : CLOSE);
    }
    return offset;
  }
}

function put(target: Buffer, offset: number, bytes: Buffer): number {
  target.set(bytes, offset);
  return offset + bytes.length;
}

function putU64(target: Buffer, offset: number, value: number): number {
  target.writeUInt32LE(value % 2 ** 32, offset);
  target.writeUInt32LE(Math.floor(value / 2 ** 32), offset + 4);
  return offset + 8;
}

function putPadding(target: Buffer, offset: number, length: number): number {
  for (let pad = paddingLength(length); pad > 0; pad--) target[offset++] = 0;
  return offset;
}

function putToken(target: Buffer, offset: number, bytes: Buffer): number {
  return putPadding(target, put(target, putU64(target, offset, bytes.length), bytes), bytes.length);
}
