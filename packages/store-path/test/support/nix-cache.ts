// Builds a small binary cache with real Nix (`nix copy --to file://…`, signed with a fresh key) so tests can
// read what Nix itself writes: narinfo files, nix-cache-info and signatures.

import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nix, writeRandomTree } from "./real-nix.js";

export interface RealNixCache {
  dir: string;
  /** `name:base64` public key that signed every narinfo. */
  publicKey: string;
  /** The store paths copied: a source directory and a text file referring to it. */
  sourcePath: string;
  textPath: string;
  narInfos: Map<string, string>;
  remove(): void;
}

/** Call from beforeAll (never at collection time, so suites without Nix stay skipped); call remove() in afterAll. */
export function buildRealNixCache(): RealNixCache {
  const root = mkdtempSync(join(tmpdir(), "narwhal-store-path-cache-"));
  const keyName = `narwhal-test-${randomBytes(3).toString("hex")}`;
  nix("nix-store", ["--generate-binary-cache-key", keyName, join(root, "sk"), join(root, "pk")]);
  const sourcePath = nix("nix-store", ["--add", writeRandomTree(join(root, `tree-${randomBytes(4).toString("hex")}`))]);
  const expression = `builtins.toFile "refers-${randomBytes(4).toString("hex")}" "uses \${builtins.storePath ${sourcePath}}"`;
  const textPath = JSON.parse(nix("nix-instantiate", ["--read-write-mode", "--eval", "-E", expression])) as string;
  const dir = join(root, "cache");
  nix("nix", ["copy", "--to", `file://${dir}?compression=none&secret-key=${join(root, "sk")}`, textPath]);
  const narInfos = new Map<string, string>();
  for (const entry of readdirSync(dir)) {
    if (entry.endsWith(".narinfo")) narInfos.set(entry, readFileSync(join(dir, entry), "utf8"));
  }
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  return { dir, publicKey: readFileSync(join(root, "pk"), "utf8"), sourcePath, textPath, narInfos, remove };
}
