// zstd compression for test fixtures, via the zstd command line tool (installed by the Nix test setup).

import { execFileSync } from "node:child_process";

export function zstdCompressSync(data: Buffer): Buffer {
  return execFileSync("zstd", ["-q", "-c"], { input: data });
}
