// Upper bounds the parser and the dumper enforce before allocating or descending.
// They match the limits current Nix applies (CVE-2026-44028 hardening), so both sides agree on what a valid NAR is.

/** Deepest allowed node: the root is depth 0, an entry of the root is depth 1. Deeper nodes are refused. */
export const MAX_NAR_DEPTH = 64;

/** Longest structural token ("nix-archive-1", "directory", ...) the parser will read. */
export const MAX_TAG_LENGTH = 32;

/** Longest directory entry name, in bytes. */
export const MAX_NAME_LENGTH = 255;

/** Longest symlink target, in bytes. */
export const MAX_SYMLINK_TARGET_LENGTH = 4095;
