// Runs the real Nix client for interop tests (skip when absent, fail loudly under CI), with a fresh
// XDG_CACHE_HOME per call so narinfo look-ups are never memoised, and turns `nix path-info --json` into PathInfoToAdd.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseContentAddress, parseHash, parseStorePath } from "@narwhal/store-path";
import type { PathInfoToAdd } from "../../src/index.js";

export const hasNix = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;

if (!hasNix && process.env.CI) {
  throw new Error("nix-store is not on PATH but CI is set: the real-Nix interop tests must run in CI (install Nix)");
}

/** Runs a Nix command and returns trimmed stdout; throws with Nix's stderr on a non-zero exit. */
export function nixOutput(command: string, args: readonly string[]): string {
  const extra = command === "nix" ? ["--extra-experimental-features", "nix-command"] : [];
  const result = spawnSync(command, [...extra, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "narwhal-store-xdg-")) },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout.trim();
}

export function nixStoreDump(path: string): Buffer {
  return execFileSync("nix-store", ["--dump", path], { maxBuffer: 1 << 30 });
}

export function generateNixKeyPair(name: string, dir: string): { secretPath: string; publicPath: string } {
  const secretPath = join(dir, "secret.key");
  const publicPath = join(dir, "public.key");
  execFileSync("nix-store", ["--generate-binary-cache-key", name, secretPath, publicPath]);
  return { secretPath, publicPath };
}

interface PathInfoJson {
  path: string;
  narHash: string;
  narSize: number;
  references: string[];
  deriver?: string;
  ca?: string;
}

/** Path info of `paths` as real Nix reports it, ready for addToStore. */
export function nixPathInfo(paths: readonly string[]): PathInfoToAdd[] {
  const json = JSON.parse(nixOutput("nix", ["path-info", "--json", ...paths])) as PathInfoJson[];
  return json.map((entry) => ({
    storePath: parseStorePath(entry.path),
    narHash: parseHash(entry.narHash),
    narSize: entry.narSize,
    references: entry.references.map((reference) => parseStorePath(reference)),
    ...(entry.deriver === undefined ? {} : { deriver: parseStorePath(entry.deriver) }),
    ...(entry.ca === undefined ? {} : { ca: parseContentAddress(entry.ca) }),
  }));
}
