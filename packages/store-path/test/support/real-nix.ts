// Helpers for tests that compare against the real Nix 2.8 CLI. Without `nix-store` on PATH these tests
// are skipped, unless CI is set, in which case loading this module fails loudly.

import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";

export const nixAvailable = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;

if (!nixAvailable && process.env.CI) {
  throw new Error("CI is set but nix-store is not on PATH: the real-Nix comparison tests cannot run");
}

/** `describe` that runs only when real Nix is installed. */
export function describeWithNix(name: string, body: () => void): void {
  describe.skipIf(!nixAvailable)(name, body);
}

/** Runs a Nix command and returns its trimmed stdout; failures throw with stderr. */
export function nix(command: string, args: string[]): string {
  return execFileSync(command, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command" },
  }).trim();
}

export interface PathInfoJson {
  path: string;
  narHash: string;
  narSize: number;
  references: string[];
  ca?: string;
}

export function pathInfo(storePath: string): PathInfoJson {
  const [info] = JSON.parse(nix("nix", ["path-info", "--json", storePath])) as PathInfoJson[];
  if (info === undefined) throw new Error(`nix path-info printed nothing for ${storePath}`);
  return info;
}

/** Call inside a describe: a temp directory made before its tests and removed after; returns a getter. */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `narwhal-store-path-${prefix}-`));
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error("useTempDir: the directory exists only while the suite's tests run");
    return dir;
  };
}

/** Writes a small random tree (a few files and a subdirectory) under `dir` and returns `dir`. */
export function writeRandomTree(dir: string): string {
  mkdirSync(join(dir, "sub"), { recursive: true });
  writeFileSync(join(dir, "a.txt"), randomBytes(1 + (randomBytes(1)[0]! % 200)));
  writeFileSync(join(dir, "sub", "b.bin"), randomBytes(64));
  writeFileSync(join(dir, "sub", "run.sh"), `#!/bin/sh\necho ${randomBytes(8).toString("hex")}\n`, { mode: 0o755 });
  return dir;
}
