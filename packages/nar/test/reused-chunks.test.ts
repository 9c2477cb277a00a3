// restoreNar under the lease of a decoder that reuses its output memory (@narwhal/codecs' reuseOutput, the store's
// reuseChunks): a chunk is destroyed as soon as the next one is asked for. The restore must come out the same,
// whatever the chunk size, and a NAR it refuses (unsorted names, a name kept as a view would be compared against
// what replaced it) must still be refused.

import { lstat, readFile, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { collectBytes, withTempDir } from "@narwhal/test-kit";
import { dumpPath, restoreNar, type NarError } from "../src/index.js";
import { directory, entry, nar, regular, symlinkNode } from "./nar-builders.js";

/** Yields copies of `bytes` in pieces of `size`; each piece is overwritten with `fill` once the next is pulled. */
async function* leasedPieces(bytes: Buffer, size: number, fill: number): AsyncGenerator<Buffer> {
  let previous: Buffer | undefined;
  for (let offset = 0; offset < bytes.length; offset += size) {
    previous?.fill(fill);
    previous = Buffer.from(bytes.subarray(offset, offset + size));
    yield previous;
  }
  previous?.fill(fill);
}

/** Every entry under `root`: path, kind, mode, and contents or target. */
async function describeTree(root: string, at = ""): Promise<string[]> {
  const lines: string[] = [];
  const stats = await lstat(join(root, at));
  const mode = (stats.mode & 0o777).toString(8);
  if (stats.isSymbolicLink()) return [`${at} symlink ${await readlink(join(root, at))}`];
  if (stats.isFile()) return [`${at} file ${mode} ${(await readFile(join(root, at))).toString("base64")}`];
  lines.push(`${at} directory ${mode}`);
  for (const name of (await readdir(join(root, at))).sort()) lines.push(...(await describeTree(root, join(at, name))));
  return lines;
}

const built = nar(
  directory(
    entry("a", regular("first")),
    entry("ab", directory(entry("deeper", directory(entry("x", regular("#!/bin/sh\necho x\n", true)))))),
    entry("abc", symlinkNode("../a/target/that/is/fairly/long/so/it/crosses/pieces")),
    entry("b".repeat(200), regular(Buffer.alloc(5000, 0x41))),
    entry("empty", regular("")),
    entry("z", directory()),
  ),
);

describe("restoreNar over chunks that are destroyed once the next is pulled", () => {
  const ownSources = fileURLToPath(new URL("../src", import.meta.url)); // real files

  for (const [what, bytes] of [
    ["a built NAR of every node kind", async () => built],
    ["the NAR of this package's sources", async () => collectBytes(dumpPath(ownSources))],
  ] as const) {
    it(`restores ${what} exactly as from intact chunks`, async () => {
      const input = await bytes();
      await withTempDir(async (dir) => {
        await restoreNar([input], join(dir, "reference"));
        const expected = await describeTree(join(dir, "reference"));
        for (const size of [1, 7, 100, 4096, 1 << 20]) {
          for (const fill of [0x00, 0xff]) {
            const target = join(dir, `leased-${size}-${fill}`);
            await restoreNar(leasedPieces(input, size, fill), target);
            expect(await describeTree(target)).toEqual(expected);
          }
        }
      });
    });
  }

  it("still refuses unsorted entry names (the previous name is kept as a copy, not a view)", async () => {
    // With the previous name a view of a destroyed chunk, "b" would read as NUL bytes and "a" would sort after it.
    const unsorted = nar(directory(entry("b", regular("1")), entry("a", regular("2"))));
    await withTempDir(async (dir) => {
      for (let size = 1; size <= 256; size++) {
        // every split of the two names between pieces
        const error = await restoreNar(leasedPieces(unsorted, size, 0x00), join(dir, `out-${size}`)).catch(
          (caught: unknown) => caught as NarError,
        );
        expect((error as NarError | undefined)?.code).toBe("NAR_UNSORTED_ENTRIES");
      }
    });
  });
});
