// Runs the real Nix command-line tools synchronously for the interop tests, each call with a fresh
// XDG_CACHE_HOME so nothing is memoised between calls; failures throw with Nix's stderr.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const createdDirs: string[] = [];

/** A fresh directory removed by removeTempDirs(). */
export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `narwhal-local-store-${label}-`));
  createdDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs a Nix tool with the nix-command feature enabled and returns its trimmed stdout. */
export function nix(command: string, args: readonly string[]): string {
  const cache = mkdtempSync(join(tmpdir(), "narwhal-local-store-xdg-"));
  try {
    const result = spawnSync(command, ["--extra-experimental-features", "nix-command", ...args], {
      encoding: "utf8",
      env: { ...process.env, XDG_CACHE_HOME: cache },
      maxBuffer: 64 << 20,
    });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
    return result.stdout.trim();
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** One entry of `nix path-info --json` (Nix 2.8). */
export interface NixPathInfoJson {
  path: string;
  narHash: string;
  narSize: number;
  references: string[];
  deriver?: string;
  signatures?: string[];
  ca?: string;
  registrationTime?: number;
  ultimate?: boolean;
}

export function nixPathInfo(paths: readonly string[], extraArgs: readonly string[] = []): NixPathInfoJson[] {
  return JSON.parse(nix("nix", ["path-info", "--json", ...extraArgs, ...paths])) as NixPathInfoJson[];
}

/** Lines of stdout, sorted, without empties. */
export function lines(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .sort();
}
