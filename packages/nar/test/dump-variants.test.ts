// dumpPathSync and dumpPathInWorker must give exactly dumpPath's bytes (dumpPath is checked against nix-store --dump
// in interop-nix.test.ts) for random trees, many-file trees and rings small enough to wrap and fill; errors surface
// after the bytes before them, and a failing sink stops the worker.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbFsTree, hasNix, nixStoreDump, withTempDir, writeFsTree } from "@narwhal/test-kit";
import { dumpPath, dumpPathInWorker, dumpPathSync, type DumpPathInWorkerOptions } from "../src/index.js";

async function digest(chunks: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest("hex");
}

async function workerDigest(root: string, options: DumpPathInWorkerOptions): Promise<string> {
  const hash = createHash("sha256");
  await dumpPathInWorker(root, (chunk) => void hash.update(chunk), options);
  return hash.digest("hex");
}

/** A tree of `count` files over nested directories, sizes from 0 to a few hundred KiB. */
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

describe("dump output buffers", () => {
  it("hold the framing whatever offset a file's contents end at (every offset near the end of a buffer)", async () => {
    await withTempDir(async (dir) => {
      const bufferSize = 16384;
      for (let size = bufferSize - 400; size <= bufferSize + 8; size += 1) {
        const root = join(dir, `t${size}`);
        mkdirSync(join(root, "sub"), { recursive: true });
        writeFileSync(join(root, "sub", "f"), Buffer.alloc(size, 1));
        const hash = createHash("sha256");
        dumpPathSync(root, (chunk) => void hash.update(chunk), { bufferSize });
        expect(hash.digest("hex")).toBe(await digest(dumpPath(root, { chunkSize: 1 << 20 })));
      }
    });
  });
});

describe("dumpPathInWorker", () => {
  it("gives dumpPath's bytes for random trees (any root), through a small ring", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ root: "any", maxEntries: 12 }), async (tree) =>
        withTempDir(async (dir) => {
          const root = `${dir}/root`;
          await writeFsTree(root, tree);
          expect(await workerDigest(root, { ringBytes: 256 * 1024, chunkSize: 100_000 })).toBe(
            await digest(dumpPath(root)),
          );
        }),
      ),
      { numRuns: 15 },
    );
  });

  it("gives dumpPath's (and nix-store --dump's) bytes for many files through rings that fill and wrap, with an async sink", async () => {
    await withTempDir(async (dir) => {
      writeWideTree(join(dir, "wide"), 600);
      const expected = await digest(dumpPath(join(dir, "wide")));
      expect(await workerDigest(join(dir, "wide"), { ringBytes: 256 * 1024, chunkSize: 65_536 + 17 })).toBe(expected);
      const slow = createHash("sha256");
      await dumpPathInWorker(
        join(dir, "wide"),
        async (chunk) => {
          slow.update(chunk);
          await new Promise((resolve) => setImmediate(resolve));
        },
        { ringBytes: 256 * 1024 },
      );
      expect(slow.digest("hex")).toBe(expected);
      if (hasNix())
        expect(
          createHash("sha256")
            .update(await nixStoreDump(join(dir, "wide")))
            .digest("hex"),
        ).toBe(expected);
    });
  });

  it("fails with the NAR error of a socket deep in the tree, after the bytes before it", async () => {
    await withTempDir(async (dir) => {
      writeWideTree(join(dir, "t"), 300);
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, "t", "d3", "e5", "sock"), resolve));
      try {
        let delivered = 0;
        await expect(
          dumpPathInWorker(join(dir, "t"), (chunk) => void (delivered += chunk.length)),
        ).rejects.toMatchObject({
          code: "NAR_UNSUPPORTED_FILE_TYPE",
          message: expect.stringContaining("sock: it is a socket"),
        });
        expect(delivered).toBeGreaterThan(0);
      } finally {
        server.close();
      }
    });
  });

  it("rejects with the sink's error and stops its worker", async () => {
    await withTempDir(async (dir) => {
      writeWideTree(join(dir, "t"), 300);
      const failure = new Error("consumer gone");
      await expect(
        dumpPathInWorker(join(dir, "t"), () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
    });
  });

  it("refuses a ring too small for the worker's writes", async () => {
    await expect(dumpPathInWorker("/", () => {}, { ringBytes: 128 * 1024 })).rejects.toThrow(
      /ringBytes must be at least 262144/,
    );
  });

  it("names a missing root", async () => {
    await expect(dumpPathInWorker("/nonexistent-narwhal-root", () => {})).rejects.toMatchObject({
      code: "ENOENT",
      message: expect.stringContaining("/nonexistent-narwhal-root"),
    });
  });
});
