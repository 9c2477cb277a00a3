// Which configurations a run measures: the default handful, `quick` (a spread of levels per codec, a few minutes on
// tens of MB) and `full` (every level of every codec, hours at the slow end). zstd level -1 is never listed:
// Nix's compression-level=-1 means "the default", so no store URL can select zstd's -1; the fast levels start at -2.

import { availableParallelism } from "node:os";
import { CodecBenchError } from "./bench-error.js";

export type PresetName = "default" | "quick" | "full";

export interface BenchPreset {
  readonly codecs: readonly string[];
  readonly levels: Readonly<Record<string, readonly number[]>>;
  readonly threads: readonly number[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** One thread, two, and every core when the machine has more. */
function threadCounts(): number[] {
  return [...new Set([1, Math.min(2, availableParallelism()), availableParallelism()])];
}

export function benchPreset(name: PresetName): BenchPreset {
  switch (name) {
    case "default":
      return {
        codecs: ["zstd", "xz", "gzip", "bzip2", "br"],
        levels: { zstd: [1, 3, 9], xz: [0, 6], gzip: [1, 6], bzip2: [9], br: [4, 6], none: [0] },
        threads: [1, Math.min(2, availableParallelism())],
      };
    case "quick":
      return {
        codecs: ["zstd", "xz", "gzip", "bzip2", "br", "none"],
        levels: {
          zstd: [-5, 1, 3, 9, 15, 19],
          xz: [0, 3, 6],
          gzip: [1, 6, 9],
          bzip2: [1, 9],
          br: [1, 4, 6, 9],
          none: [0],
        },
        threads: [1, Math.min(2, availableParallelism())],
      };
    case "full":
      return {
        codecs: ["zstd", "xz", "gzip", "bzip2", "br", "none"],
        levels: {
          zstd: [-7, -6, -5, -4, -3, -2, ...range(1, 22)],
          xz: range(0, 9),
          gzip: range(1, 9),
          bzip2: range(1, 9),
          br: range(0, 11),
          none: [0],
        },
        threads: threadCounts(),
      };
    default:
      throw new CodecBenchError(
        "INVALID_OPTION",
        String(name),
        `unknown preset ${JSON.stringify(name)}; use default, quick or full`,
      );
  }
}
