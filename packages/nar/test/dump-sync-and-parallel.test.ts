// dumpPathSync and dumpPathParallel must give exactly dumpPath's bytes (dumpPath is checked against nix-store --dump
// in interop-nix.test.ts) for random trees, many-run trees and rings small enough to wrap and fill; errors surface
// in NAR order and a failing sink stops the workers.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbFsTree, hasNix, nixStoreDump, withTempDir, writeFsTree } from "@narwhal/test-kit";
import { dumpPath, dumpPathParallel, dumpPathSync, type DumpPathParallelOptions } from "../src/index.js";

async function digest(chunks: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest("hex");
}

async function parallelDigest(root: string, options: DumpPathParallelOptions): Promise<string> {
  const hash = createHash("sha256");
  await dumpPathParallel(root, (chunk) => void hash.update(chunk), options);
  return hash.digest("hex");
}

/** A tree of `count` files over nested directories (many runs of nodes), sizes from 0 to a few hundred KiB. */
function writeWideTree(root: string, count: number): void {
  for (let index = 0; index < count; index++) {
    const dir = join(root, `d${index % 7}`, `e${index % 13}`);
    mkdirSync(dir, { recursive: true });
    const size = (index * 7919) % 9 === 0 ? 300_000 + index : (index * 131) % 5000;
    writeFileSync(join(dir, `f${index}`), Buffer.alloc(size, index % 251), { mode: index % 5 === 0 ? 0o755 : 0o644 });
  }
}

describe("dumpPathSync", () => {
  it("gives dumpPath's bytes for random trees and buffer sizes", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ root: "any" }), fc.constantFrom(4096, 65536, 1 << 20), async (tree, bufferSize) =>
        withTempDir(async (dir) => {
          const root = `${dir}/root`;
          await writeFsTree(root, tree);
          const hash = createHash("sha256");
          dumpPathSync(root, (chunk) => void hash.update(chunk), { bufferSize });
          expect(hash.digest("hex")).toBe(await digest(dumpPath(root)));
        }),
      ),
      { numRuns: 20 },
    );
  });
});

describe("dumpPathParallel", () => {
  it("gives dumpPath's bytes for random trees, with 2 and 3 workers", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ maxEntries: 12 }), fc.constantFrom(2, 3), async (tree, threads) =>
        withTempDir(async (dir) => {
          const root = `${dir}/root`;
          await writeFsTree(root, tree);
          expect(await parallelDigest(root, { threads, ringBytes: 256 * 1024, chunkSize: 100_000 })).toBe(await digest(dumpPath(root)));
        }),
      ),
      { numRuns: 15 },
    );
  });

  it("gives dumpPath's bytes for a tree of many runs through small rings that fill and wrap", async () => {
    await withTempDir(async (dir) => {
      writeWideTree(join(dir, "wide"), 600);
      const expected = await digest(dumpPath(join(dir, "wide")));
      for (const threads of [1, 2, 4]) {
        expect(await parallelDigest(join(dir, "wide"), { threads, ringBytes: 256 * 1024, chunkSize: 65_536 + 17 })).toBe(expected);
      }
      if (hasNix()) expect(createHash("sha256").update(await nixStoreDump(join(dir, "wide"))).digest("hex")).toBe(expected);
    });
  });

  it("dumps a single file or symlink root on the calling thread", async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, "f"), "contents");
      expect(await parallelDigest(join(dir, "f"), {})).toBe(await digest(dumpPath(join(dir, "f"))));
    });
  });

  it("fails with the NAR error of a socket deep in the tree, after the bytes before it", async () => {
    await withTempDir(async (dir) => {
      writeWideTree(join(dir, "t"), 300);
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, "t", "d3", "e5", "sock"), resolve));
      try {
        let delivered = 0;
        await expect(dumpPathParallel(join(dir, "t"), (chunk) => void (delivered += chunk.length), { threads: 2 })).rejects.toMatchObject({
          code: "NAR_UNSUPPORTED_FILE_TYPE",
          message: expect.stringContaining("sock: it is a socket"),
        });
        expect(delivered).toBeGreaterThan(0);
      } finally {
        server.close();
      }
    });
  });

  it("rejects with the sink's error and stops its workers", async () => {
    await withTempDir(async (dir) => {
      writeWideTree(join(dir, "t"), 300);
      const failure = new Error("consumer gone");
      await expect(dumpPathParallel(join(dir, "t"), () => { throw failure; }, { threads: 2 })).rejects.toBe(failure);
    });
  });

  it("names a missing root", async () => {
    await expect(dumpPathParallel("/nonexistent-narwhal-root", () => {})).rejects.toMatchObject({ code: "ENOENT" });
  });
});
