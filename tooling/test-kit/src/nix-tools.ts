// Wrappers around the real Nix command-line tools, and the rule for tests that need them:
// skip when Nix is absent, except under CI (CI installs Nix, so absence there is a failure).

import { spawnSync } from "node:child_process";
import { runCommand } from "./run-command.js";

let nixAvailable: boolean | undefined;

/** True when `nix-store` can be run from PATH. */
export function hasNix(): boolean {
  nixAvailable ??= spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;
  return nixAvailable;
}

/**
 * Whether Nix-backed tests should run: true when Nix is present, false (skip) when it is not,
 * and throws when it is absent while `CI` is set. Use as `describe.runIf(requireNix())(...)`.
 */
export function requireNix(): boolean {
  if (hasNix()) return true;
  if (process.env["CI"]) throw new Error("nix-store is not on PATH but CI is set: Nix-backed tests must run in CI");
  return false;
}

/** The NAR bytes `nix-store --dump path` produces. */
export async function nixStoreDump(path: string): Promise<Buffer> {
  return (await runCommand("nix-store", ["--dump", path])).stdout;
}

/** `nix-hash --type sha256 --base32 path`: the nix32 SHA-256 of the path's NAR serialization. */
export async function nixHashPath(path: string): Promise<string> {
  return (await runCommand("nix-hash", ["--type", "sha256", "--base32", path])).stdout.toString("utf8").trim();
}

/** Unpack `nar` at `dir` (which must not exist) with `nix-store --restore`. */
export async function nixStoreRestore(dir: string, nar: Uint8Array): Promise<void> {
  await runCommand("nix-store", ["--restore", dir], { input: nar });
}
