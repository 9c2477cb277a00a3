// Runs the real Nix client for interop tests: detects whether it is installed (skip locally, fail loudly in CI),
// gives each call a fresh XDG_CACHE_HOME so narinfo look-ups are never memoised, and reads narinfo files.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const hasNix = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;

if (!hasNix && process.env.CI) {
  throw new Error("nix-store is not on PATH but CI is set: the real-Nix interop tests must run in CI (install Nix)");
}

const createdDirs: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `narwhal-signing-${label}-`));
  createdDirs.push(dir);
  return dir;
}

/** Removes every directory tempDir made (call from afterAll). Store paths stay; Nix's garbage collector owns them. */
export function removeTempDirs(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface NixRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a Nix command with a fresh cache directory; never throws on a non-zero exit. */
export function runNix(command: string, args: readonly string[]): NixRun {
  const result = spawnSync(command, ["--extra-experimental-features", "nix-command", ...args], {
    encoding: "utf8",
    env: { ...process.env, XDG_CACHE_HOME: tempDir("xdg-cache") },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a Nix command and returns its trimmed stdout, failing with Nix's stderr if it exits non-zero. */
export function nixOutput(command: string, args: readonly string[]): string {
  const run = runNix(command, args);
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return run.stdout.trim();
}

/** `nix-store --generate-binary-cache-key` writes its files without reading options, so it gets no extra flags. */
export function generateNixKeyPair(name: string, dir: string): { secretPath: string; publicPath: string } {
  const secretPath = join(dir, "secret.key");
  const publicPath = join(dir, "public.key");
  execFileSync("nix-store", ["--generate-binary-cache-key", name, secretPath, publicPath], {
    env: { ...process.env, XDG_CACHE_HOME: tempDir("xdg-cache") },
  });
  return { secretPath, publicPath };
}

/** The fields of a narinfo file; `Sig` lines are collected in order. */
export interface NarInfoFields {
  readonly fields: ReadonlyMap<string, string>;
  readonly sigs: readonly string[];
}

export function readNarInfo(cacheDir: string, storePath: string): NarInfoFields {
  const text = readFileSync(narInfoPath(cacheDir, storePath), "utf8");
  const fields = new Map<string, string>();
  const sigs: string[] = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(": ");
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 2);
    if (key === "Sig") sigs.push(value);
    else fields.set(key, value);
  }
  return { fields, sigs };
}

export function narInfoPath(cacheDir: string, storePath: string): string {
  const hashPart = storePath.slice(storePath.lastIndexOf("/") + 1).split("-")[0];
  return join(cacheDir, `${hashPart}.narinfo`);
}

/** `1;<StorePath>;<NarHash>;<NarSize>;<sorted, comma-joined full reference paths>`, built here from narinfo fields. */
export function fingerprintOf(narInfo: NarInfoFields): string {
  const field = (key: string): string => {
    const value = narInfo.fields.get(key);
    if (value === undefined) throw new Error(`narinfo has no ${key} field`);
    return value;
  };
  const storePath = field("StorePath");
  const storeDir = storePath.slice(0, storePath.lastIndexOf("/"));
  const references = field("References")
    .split(" ")
    .filter((name) => name !== "")
    .map((name) => `${storeDir}/${name}`)
    .sort();
  return `1;${storePath};${field("NarHash")};${field("NarSize")};${references.join(",")}`;
}
