// Byte-for-byte agreement with real Nix on random trees: dump, hash, restore in both directions, parse/write round trip.
// Skipped without Nix unless CI is set (then requireNix throws).

import { createHash } from "node:crypto";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arbFsTree,
  collectBytes,
  nixHashPath,
  nixStoreDump,
  nixStoreRestore,
  requireNix,
  toNix32,
  withTempDir,
  writeFsTree,
} from "@narwhal/test-kit";
import { dumpPath, parseNar, restoreNar, writeNar } from "../src/index.js";

const RUNS = 25;

describe.runIf(requireNix())("interop with real Nix", () => {
  it("dumpPath emits exactly the bytes of nix-store --dump, and its sha256 is nix-hash's", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ root: "any" }), async (tree) => {
        await withTempDir(async (dir) => {
          const root = join(dir, "tree");
          await writeFsTree(root, tree);
          const hash = createHash("sha256");
          const chunks: Buffer[] = [];
          for await (const chunk of dumpPath(root)) {
            hash.update(chunk);
            chunks.push(chunk);
          }
          const ours = Buffer.concat(chunks);
          const theirs = await nixStoreDump(root);
          expect(ours.equals(theirs)).toBe(true);
          expect(toNix32(hash.digest())).toBe(await nixHashPath(root));
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("restoreNar of a Nix-made NAR re-dumps identically, and nix-store --restore accepts our NAR", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ root: "any" }), async (tree) => {
        await withTempDir(async (dir) => {
          const root = join(dir, "tree");
          await writeFsTree(root, tree);
          const nixNar = await nixStoreDump(root);

          const restoredByUs = join(dir, "ours");
          await restoreNar([nixNar], restoredByUs);
          expect((await nixStoreDump(restoredByUs)).equals(nixNar)).toBe(true);

          const restoredByNix = join(dir, "nix");
          await nixStoreRestore(restoredByNix, await collectBytes(dumpPath(root)));
          expect((await nixStoreDump(restoredByNix)).equals(nixNar)).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("parsing a Nix-made NAR and writing the events back reproduces it, also when fed in small chunks", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ largeFiles: false }), fc.integer({ min: 1, max: 64 }), async (tree, chunkSize) => {
        await withTempDir(async (dir) => {
          const root = join(dir, "tree");
          await writeFsTree(root, tree);
          const nixNar = await nixStoreDump(root);
          const pieces: Buffer[] = [];
          for (let at = 0; at < nixNar.length; at += chunkSize) pieces.push(nixNar.subarray(at, at + chunkSize));
          expect((await collectBytes(writeNar(parseNar(pieces)))).equals(nixNar)).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
