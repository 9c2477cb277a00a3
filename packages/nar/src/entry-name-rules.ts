// What a directory entry name may be, and the byte order entries must follow — shared by parser, writer and dumper.
// A name is one path segment: 1..255 bytes, not "." or "..", no "/" and no NUL; siblings strictly ascend by raw bytes.

import { MAX_NAME_LENGTH } from "./nar-limits.js";

/** Why `name` is not a valid entry name, or undefined when it is valid. */
export function entryNameProblem(name: Uint8Array): string | undefined {
  if (name.byteLength === 0) return "an entry name must not be empty";
  if (name.byteLength > MAX_NAME_LENGTH)
    return `an entry name must be at most ${MAX_NAME_LENGTH} bytes, got ${name.byteLength}`;
  if (name.byteLength === 1 && name[0] === 0x2e) return 'an entry name must not be "."';
  if (name.byteLength === 2 && name[0] === 0x2e && name[1] === 0x2e) return 'an entry name must not be ".."';
  if (name.includes(0x2f)) return 'an entry name must not contain "/"';
  if (name.includes(0x00)) return "an entry name must not contain a NUL byte";
  return undefined;
}

/** Byte-wise comparison used for entry order (unsigned bytes, shorter prefix first), like Buffer.compare. */
export function compareEntryNames(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** True when `next` may follow `previous` in one directory: strictly greater, so no duplicates. */
export function isInEntryOrder(previous: Uint8Array | undefined, next: Uint8Array): boolean {
  return previous === undefined || compareEntryNames(previous, next) < 0;
}
