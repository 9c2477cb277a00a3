// Resolves Nix's `compression-level` for a codec: -1 (or nothing) means the codec's default; anything else
// must be an integer inside the codec's range, or the error names the value and the valid range.

import type { Codec } from "./codec.js";
import { CodecError } from "./codec-error.js";

export function resolveLevel(codec: Codec, level: number | undefined): number {
  if (level === undefined || level === -1) return codec.levels.default;
  const { min, max } = codec.levels;
  if (!Number.isInteger(level) || level < min || level > max) {
    throw new CodecError(
      "LEVEL_OUT_OF_RANGE",
      `compression level ${String(level)} is not valid for ${codec.name}; use -1 (default ${codec.levels.default}) or an integer from ${min} to ${max}`,
    );
  }
  return level;
}
