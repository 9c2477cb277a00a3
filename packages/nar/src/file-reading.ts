// Reading a regular file's exact bytes for a NAR: opened without following symlinks, its size and owner-x bit from
// the open descriptor, contents read straight into the caller's buffer; a file that changes meanwhile is refused.

import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { fileChanged } from "./dump-errors.js";

export interface OpenedFile {
  readonly fd: number;
  readonly size: number;
  readonly executable: boolean;
}

/** Opens a regular file for dumping; a node that is no longer a regular file is refused. */
export function openRegularFile(fsPath: Buffer): OpenedFile {
  const fd = openSync(fsPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw fileChanged(fsPath, "it stopped being a regular file", stats.size);
    return { fd, size: stats.size, executable: (stats.mode & constants.S_IXUSR) !== 0 };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Reads the file's bytes [position, position + length) into buffer[offset...]. For the file's last piece, when the
 * buffer has room for a byte more, the same read asks for it: a file that grew is noticed without another syscall.
 */
export function readFilePiece(
  file: OpenedFile,
  fsPath: Buffer,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): void {
  const endsFile = position + length === file.size;
  const probe = endsFile && offset + length < buffer.length ? 1 : 0;
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(file.fd, buffer, offset + filled, length - filled + probe, position + filled);
    if (bytesRead === 0) throw fileChanged(fsPath, "the file shrank", file.size);
    if (bytesRead > length - filled) throw fileChanged(fsPath, "the file grew", file.size);
    filled += bytesRead;
  }
  if (endsFile && (length === 0 || probe === 0)) checkNotGrown(file, fsPath);
}

const ONE_BYTE = Buffer.alloc(1);

/** One read at the end of the file: there must be nothing there. */
function checkNotGrown(file: OpenedFile, fsPath: Buffer): void {
  if (readSync(file.fd, ONE_BYTE, 0, 1, file.size) !== 0) throw fileChanged(fsPath, "the file grew", file.size);
}
