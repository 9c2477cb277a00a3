// Default bounds `parseNarListing` enforces on an untrusted `.ls` listing before and while parsing it.
// Depth follows the NAR parser's MAX_NAR_DEPTH, so every listing accepted describes a NAR the NAR parser accepts.

import { MAX_NAR_DEPTH } from "./nar-limits.js";

/**
 * Largest listing text accepted, in bytes (16 MiB), checked before any parsing. The biggest real listings (whole
 * TeX Live or kernel source trees, ~200k files at ~60 bytes a node) stay well below it; parsing 16 MiB of the
 * smallest possible nodes (~500k) peaks around 200 MiB of heap, measured in packages/nar/README.md.
 */
export const MAX_LISTING_BYTES = 16 * 1024 * 1024;

/** Deepest node: the root is depth 0, as in the NAR parser (MAX_NAR_DEPTH). */
export const MAX_LISTING_DEPTH = MAX_NAR_DEPTH;

/** Most nodes (the root included) in one listing. 16 MiB of the smallest nodes is ~520k, so this bounds larger maxBytes. */
export const MAX_LISTING_ENTRIES = 1_000_000;

/** Deepest nesting of arrays/objects inside a value under an unknown key (such values are checked, then ignored). */
export const MAX_IGNORED_VALUE_NESTING = 16;
