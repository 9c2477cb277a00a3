// What a symlink target in a NAR may be: 1..4095 bytes with no NUL. Targets are otherwise kept verbatim
// (absolute and ".." targets are legal; restore never follows them).

import { MAX_SYMLINK_TARGET_LENGTH } from "./nar-limits.js";

/** Why `target` is not a valid symlink target, or undefined when it is valid. */
export function validateSymlinkTarget(target: Uint8Array): string | undefined {
  if (target.byteLength === 0) return "a symlink target must not be empty";
  if (target.byteLength > MAX_SYMLINK_TARGET_LENGTH)
    return `a symlink target must be at most ${MAX_SYMLINK_TARGET_LENGTH} bytes, got ${target.byteLength}`;
  if (target.includes(0x00)) return "a symlink target must not contain a NUL byte";
  return undefined;
}
