// The errors a dump fails with, worded in one place for both serializers (JavaScript and native): NarErrors for
// what a NAR cannot hold or a file that changed, and Node-style system errors for failed file-system calls.

import { getSystemErrorMap } from "node:util";
import { NarError, describeBytes } from "./errors.js";
import { MAX_NAR_DEPTH } from "./nar-limits.js";
import { validateSymlinkTarget } from "./symlink-target-rules.js";

export function unsupportedFileType(fsPath: Buffer, fileType: string): NarError {
  return new NarError(
    "NAR_UNSUPPORTED_FILE_TYPE",
    `cannot dump ${fsPath.toString()}: it is ${fileType}; a NAR can only hold regular files, directories and symlinks`,
    { path: fsPath.toString() },
  );
}

export function tooDeep(fsPath: Buffer, depth: number): NarError {
  return new NarError(
    "NAR_TOO_DEEP",
    `cannot dump ${fsPath.toString()}: its entries would be nested ${depth} levels deep; the limit is ${MAX_NAR_DEPTH}`,
    { path: fsPath.toString() },
  );
}

export function fileChanged(fsPath: Buffer, what: string, size: number): NarError {
  return new NarError(
    "NAR_FILE_CHANGED",
    `cannot dump ${fsPath.toString()}: ${what} while it was being read (expected ${size} bytes)`,
    { path: fsPath.toString() },
  );
}

export function badSymlinkTarget(fsPath: Buffer, linkTarget: Buffer): NarError {
  const problem = validateSymlinkTarget(linkTarget) ?? "it is not a valid symlink target";
  return new NarError(
    "NAR_BAD_SYMLINK_TARGET",
    `cannot dump symlink ${fsPath.toString()} with target ${describeBytes(linkTarget)}: ${problem}`,
    { path: fsPath.toString() },
  );
}

/** The error Node's own fs functions throw when `syscall` fails with `errno` (negative) on `fsPath`. */
export function systemError(errno: number, syscall: string, fsPath: Buffer): NodeJS.ErrnoException {
  const [code, description] = getSystemErrorMap().get(errno) ?? [`E${-errno}`, `unknown error ${-errno}`];
  const path = fsPath.toString();
  return Object.assign(new Error(`${code}: ${description}, ${syscall} '${path}'`), { errno, code, syscall, path });
}
