// Runs the real Nix client for interop tests (skip when absent, fail loudly under CI); running Nix commands and
// turning `nix path-info --json` into addToStore input come from @narwhal/cache-fixtures.

import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";

export const hasNix = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;

if (!hasNix && process.env.CI) {
  throw new Error("nix-store is not on PATH but CI is set: the real-Nix interop tests must run in CI (install Nix)");
}

/** Runs a Nix command with a fresh narinfo disk cache; trimmed stdout, or throws with stderr. */
export { nix as nixOutput, nixPathInfo } from "@narwhal/cache-fixtures";

export function nixStoreDump(path: string): Buffer {
  return execFileSync("nix-store", ["--dump", path], { maxBuffer: 1 << 30 });
}

export function generateNixKeyPair(name: string, dir: string): { secretPath: string; publicPath: string } {
  const secretPath = join(dir, "secret.key");
  const publicPath = join(dir, "public.key");
  execFileSync("nix-store", ["--generate-binary-cache-key", name, secretPath, publicPath]);
  return { secretPath, publicPath };
}
