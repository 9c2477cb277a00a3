// Shared by the copy tests: a small closure with shared dependencies built by real Nix (no sandbox), a cache
// consistency check, a copy killed midway and run again, and RGW buckets through @narwhal/s3 (a devDependency
// of the CLI).

import { spawn, spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { BinaryCacheStore } from "@narwhal/store";
import { NARWHAL, narwhal } from "./run-narwhal.js";

export const hasNixStore = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasNixStore && process.env.CI)
  throw new Error("nix-store is not on PATH but CI is set: the copy tests need real Nix");
export const rgwEndpoint = process.env.S3_ENDPOINT ?? "";
if (rgwEndpoint === "" && process.env.CI) throw new Error("S3_ENDPOINT is not set but CI is: the copy tests need RGW");

export function nixOut(command: string, args: readonly string[]): string {
  const extra = command === "nix" ? ["--extra-experimental-features", "nix-command"] : [];
  const result = spawnSync(command, [...extra, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "narwhal-copy-xdg-")) },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout.trim();
}

/**
 * Real Nix restores `roots` from an RGW bucket served as an http cache (anonymous GET + HEAD) into a fresh local
 * store at `into`, with signatures required when `publicKey` is given (and not checked otherwise).
 */
export function restoreWithNix(bucket: string, into: string, roots: readonly string[], publicKey?: string): void {
  const sigs =
    publicKey === undefined
      ? ["--option", "require-sigs", "false"]
      : ["--option", "require-sigs", "true", "--option", "trusted-public-keys", publicKey];
  nixOut("nix", [
    "copy",
    "--from",
    `${rgwEndpoint.replace(/\/$/, "")}/${bucket}`,
    "--to",
    `local?root=${into}`,
    ...sigs,
    "--option",
    "substituters",
    "",
    ...roots,
  ]);
}

/**
 * Builds base <- lib <- {app1, app2} (app1 also refers to base and itself) plus a `payload` of `payloadBytes`
 * random-ish bytes that app2 refers to. Returns the two roots and the whole closure.
 */
export function buildClosure(label: string, payloadBytes = 4096): { roots: string[]; closure: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "narwhal-copy-nix-"));
  const file = join(dir, "closure.nix");
  writeFileSync(
    file,
    `
let
  sh = "/bin/sh";
  mk = name: script: derivation { inherit name; system = builtins.currentSystem; builder = sh; args = [ "-c" script ]; PATH = "/usr/bin:/bin"; };
  base = builtins.toFile "narwhal-copy-base-${label}" "base ${label}";
  payload = mk "narwhal-copy-payload-${label}" "head -c ${payloadBytes} /dev/urandom > $out";
  lib = mk "narwhal-copy-lib-${label}" "mkdir -p $out/lib; echo \${base} > $out/lib/base-ref";
  app1 = mk "narwhal-copy-app1-${label}" "mkdir -p $out/bin; echo \${lib} \${base} $out > $out/bin/app1; ln -s \${lib}/lib $out/lib";
  app2 = mk "narwhal-copy-app2-${label}" "mkdir -p $out; echo \${lib} \${payload} > $out/refs";
in [ app1 app2 ]
`,
  );
  const roots = nixOut("nix-build", ["--no-out-link", file]).split("\n").filter(Boolean);
  const closure = nixOut("nix-store", ["-qR", ...roots])
    .split("\n")
    .filter(Boolean);
  return { roots, closure };
}

/** Every narinfo's NAR exists and every reference has a narinfo; returns the problems (empty = consistent). */
export async function cacheProblems(url: string): Promise<string[]> {
  const store = await BinaryCacheStore.open(url, { requireSigs: false, createCacheInfo: false });
  try {
    const problems: string[] = [];
    const hashParts = new Set<string>();
    const keys = new Set<string>();
    for await (const object of store.listObjects()) {
      keys.add(object.key);
      if (object.kind === "narinfo") hashParts.add(object.hashPart!);
    }
    for (const hashPart of hashParts) {
      const scanned = await store.scanNarInfo(hashPart);
      if (scanned.info === undefined) {
        problems.push(`${hashPart}.narinfo: ${scanned.problem}`);
        continue;
      }
      if (!keys.has(scanned.info.url)) problems.push(`${hashPart}.narinfo: NAR ${scanned.info.url} missing`);
      for (const reference of scanned.info.references)
        if (!hashParts.has(reference.hashPart))
          problems.push(`${hashPart}.narinfo: reference ${reference.path} has no narinfo`);
    }
    return problems;
  } finally {
    await store.close();
  }
}

/**
 * Copies `roots` to `url` and SIGKILLs the copy at a random moment; the cache must be consistent. Then the same
 * copy runs again and must complete every path of the closure (`closureSize` paths), leaving a consistent cache.
 */
export async function copyKilledThenAgain(url: string, roots: readonly string[], closureSize: number): Promise<void> {
  const child = spawn(process.execPath, [NARWHAL, "copy", "--to", url, "--jobs", "2", ...roots], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, randomInt(200, 1500)));
  child.kill("SIGKILL");
  await exited;
  expect(await cacheProblems(url)).toEqual([]);

  const again = await narwhal(["copy", "--to", url, "--json", ...roots]);
  expect(again.stderr).not.toContain("narwhal:");
  expect(again.status).toBe(0);
  const summary = JSON.parse(again.stdout.toString());
  expect(summary.failed).toEqual([]);
  expect(summary.copied + summary.skipped).toBe(closureSize);
  expect(await cacheProblems(url)).toEqual([]);
}

export function rgwUrl(bucket: string, ...settings: string[]): string {
  return `s3://${bucket}?${[`endpoint=${encodeURIComponent(rgwEndpoint)}`, ...settings].join("&")}`;
}

interface S3Admin {
  ensureBucket(url: string): Promise<unknown>;
  setPublicReadPolicy(url: string): Promise<unknown>;
  deleteBucket(url: string): Promise<unknown>;
  S3BlobStore: {
    fromUrl(url: string): {
      multipart: { list(prefix?: string): AsyncIterable<{ key: string }> };
      list(prefix?: string): AsyncIterable<{ key: string }>;
      delete(key: string): Promise<void>;
      close(): void;
    };
  };
}

/** @narwhal/s3, loaded only by the tests that talk to S3. */
export async function s3Admin(): Promise<S3Admin> {
  return (await import("@narwhal/s3")) as S3Admin;
}
