// Real-Nix fixtures for the fetch tests: a small closure (a text path, an input-addressed output referring to it
// and to itself, a CA tree), a Nix-generated key pair, and caches written by `nix copy --to file://` per compression.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReferencingOutput } from "@narwhal/test-kit";
import {
  parseContentAddress,
  parseHash,
  parseStorePath,
  type ContentAddress,
  type Hash,
  type StorePath,
} from "@narwhal/store-path";

export const hasNix = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasNix && process.env.CI)
  throw new Error("nix-store is not on PATH but CI is set: these real-Nix tests must run in CI");

const temps: string[] = [];
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `narwhal-fetch-${label}-`));
  temps.push(dir);
  return dir;
}
export async function removeTempDirs(): Promise<void> {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/** Runs a Nix command with a fresh narinfo disk cache; returns trimmed stdout or throws with stderr. */
export function nix(command: string, args: readonly string[]): string {
  const extra = command === "nix" ? ["--extra-experimental-features", "nix-command"] : [];
  const result = spawnSync(command, [...extra, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "narwhal-fetch-xdg-")) },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout.trim();
}

export function narOf(path: string): Buffer {
  return execFileSync("nix-store", ["--dump", path], { maxBuffer: 1 << 30 });
}

export interface NixClosure {
  /** text dependency, built output (refers to it and itself), CA tree: references first. */
  readonly paths: string[];
  readonly dependency: string;
  readonly output: string;
  readonly tree: string;
  readonly secretKeyFile: string;
  readonly publicKey: string;
  readonly otherSecretKeyFile: string;
  readonly otherPublicKey: string;
}

export function buildClosure(label: string): NixClosure {
  const work = tempDir("work");
  const unique = `${label}-${process.pid}-${Date.now()}`;
  const { output, dependency } = buildReferencingOutput(`fetch-${label}`);
  const treeDir = join(work, "tree");
  mkdirSync(join(treeDir, "bin"), { recursive: true });
  writeFileSync(join(treeDir, "bin", "run"), `#!/bin/sh\necho ${unique}\n`, { mode: 0o755 });
  writeFileSync(join(treeDir, "data"), Buffer.alloc(150_000, 7));
  symlinkSync("bin/run", join(treeDir, "link"));
  const tree = nix("nix-store", ["--add", treeDir]);
  const keys = tempDir("keys");
  execFileSync("nix-store", [
    "--generate-binary-cache-key",
    `fetch-test-${label}-1`,
    join(keys, "sk"),
    join(keys, "pk"),
  ]);
  execFileSync("nix-store", [
    "--generate-binary-cache-key",
    `fetch-test-${label}-2`,
    join(keys, "sk2"),
    join(keys, "pk2"),
  ]);
  return {
    paths: [dependency, output, tree],
    dependency,
    output,
    tree,
    secretKeyFile: join(keys, "sk"),
    publicKey: readFileSync(join(keys, "pk"), "utf8"),
    otherSecretKeyFile: join(keys, "sk2"),
    otherPublicKey: readFileSync(join(keys, "pk2"), "utf8"),
  };
}

/** `nix copy --to file://DIR?compression=C&secret-key=…` of the closure; returns the cache URL. */
export function nixCache(closure: NixClosure, compression: string): string {
  const dir = tempDir(`cache-${compression}`);
  nix("nix", [
    "copy",
    "--to",
    `file://${dir}?compression=${compression}&secret-key=${closure.secretKeyFile}`,
    ...closure.paths,
  ]);
  return `file://${dir}`;
}

/** A path's metadata as `nix path-info --json` reports it, in the shape BinaryCacheStore.addToStore takes. */
export interface NixPathInfo {
  readonly storePath: StorePath;
  readonly narHash: Hash;
  readonly narSize: number;
  readonly references: readonly StorePath[];
  readonly deriver?: StorePath;
  readonly ca?: ContentAddress;
}

/** Path info as real Nix reports it, in the order of `paths`, for BinaryCacheStore.addToStore. */
export function nixPathInfo(paths: readonly string[]): NixPathInfo[] {
  const json = JSON.parse(nix("nix", ["path-info", "--json", ...paths])) as Array<{
    path: string;
    narHash: string;
    narSize: number;
    references: string[];
    deriver?: string;
    ca?: string;
  }>;
  const ordered = paths.map((path) => json.find((entry) => entry.path === path)!); // keep the caller's order (references first)
  return ordered.map((entry) => ({
    storePath: parseStorePath(entry.path),
    narHash: parseHash(entry.narHash),
    narSize: entry.narSize,
    references: entry.references.map((reference) => parseStorePath(reference)),
    ...(entry.deriver === undefined ? {} : { deriver: parseStorePath(entry.deriver) }),
    ...(entry.ca === undefined ? {} : { ca: parseContentAddress(entry.ca) }),
  }));
}
