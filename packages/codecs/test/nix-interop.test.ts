// Interop with real Nix: a NAR compressed by narwhal in every codec (parallel chunked where valid) is put in a
// file:// binary cache with a hand-written narinfo and restored byte-identically by `nix copy --from`.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeCompressionPools, compressStream, narExtension } from "../src/index.js";
import { collect, piecesOf, requireTool, sampleBytes } from "./helpers.js";

const haveNix = requireTool("nix-store") && requireTool("nix");
const work = mkdtempSync(join(tmpdir(), "narwhal-codecs-nix-"));
let storePath = "";
let nar = Buffer.alloc(0);
let narHash = "";

function nix32(hex: string): string {
  return execFileSync("nix-hash", ["--type", "sha256", "--to-base32", hex]).toString().trim();
}

beforeAll(() => {
  if (!haveNix) return;
  const tree = join(work, `codec-interop-${process.pid}-${Date.now()}`);
  mkdirSync(join(tree, "bin"), { recursive: true });
  writeFileSync(join(tree, "data.bin"), sampleBytes(400_000, Date.now() % 1000));
  writeFileSync(join(tree, "bin", "run"), "#!/bin/sh\necho narwhal\n");
  chmodSync(join(tree, "bin", "run"), 0o755);
  symlinkSync("bin/run", join(tree, "link"));
  storePath = execFileSync("nix-store", ["--add", tree]).toString().trim();
  nar = execFileSync("nix-store", ["--dump", storePath], { maxBuffer: 1 << 28 });
  narHash = execFileSync("nix-store", ["-q", "--hash", storePath]).toString().trim();
});

afterAll(async () => {
  await closeCompressionPools();
  rmSync(work, { recursive: true, force: true });
});

const CASES: { codec: string; parallel: boolean; level?: number }[] = [
  { codec: "zstd", parallel: true },
  { codec: "xz", parallel: true, level: 1 },
  { codec: "gzip", parallel: true },
  { codec: "bzip2", parallel: true },
  { codec: "br", parallel: false, level: 5 },
  { codec: "none", parallel: false },
];

describe.runIf(haveNix)("real Nix restores NARs narwhal compressed", () => {
  for (const { codec, parallel, level } of CASES) {
    it(`${codec}${parallel ? " (parallel chunks)" : ""}`, async () => {
      const cache = join(work, `cache-${codec}`);
      mkdirSync(join(cache, "nar"), { recursive: true });
      writeFileSync(join(cache, "nix-cache-info"), "StoreDir: /nix/store\n");
      const compressed = await collect(
        compressStream(codec, piecesOf(nar), { parallel, strategy: "chunks", chunkSize: 64 * 1024, threads: 2, level }),
      );
      const fileHash = nix32(createHash("sha256").update(compressed).digest("hex"));
      const url = `nar/${fileHash}.nar${narExtension(codec)}`;
      writeFileSync(join(cache, url), compressed);
      const hashPart = storePath.slice("/nix/store/".length, "/nix/store/".length + 32);
      writeFileSync(
        join(cache, `${hashPart}.narinfo`),
        [
          `StorePath: ${storePath}`,
          `URL: ${url}`,
          `Compression: ${codec}`,
          `FileHash: sha256:${fileHash}`,
          `FileSize: ${compressed.length}`,
          `NarHash: ${narHash}`,
          `NarSize: ${nar.length}`,
          "References: ",
          "",
        ].join("\n"),
      );
      const root = join(work, `root-${codec}`);
      execFileSync(
        "nix",
        [
          "--extra-experimental-features",
          "nix-command",
          "copy",
          "--no-require-sigs",
          "--from",
          `file://${cache}`,
          "--to",
          `local?root=${root}`,
          storePath,
        ],
        { env: { ...process.env, XDG_CACHE_HOME: join(work, `xdg-${codec}`) }, stdio: ["ignore", "pipe", "pipe"] },
      );
      const restored = execFileSync("nix-store", ["--dump", join(root, storePath)], { maxBuffer: 1 << 28 });
      expect(restored.equals(nar)).toBe(true);
    });
  }
});
