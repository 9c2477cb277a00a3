import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arbFsTree,
  collectBytes,
  fsFileContents,
  nixHashPath,
  requireNix,
  tempDir,
  toNix32,
  withTempDir,
  writeFsTree,
  type FsTree,
} from "../src/index.js";

describe("toNix32", () => {
  it("encodes SHA-256('abc') like Nix", () => {
    const digest = createHash("sha256").update("abc").digest();
    expect(toNix32(digest)).toBe("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
  });

  it("gives 32 characters for 20 bytes", () => {
    expect(toNix32(Buffer.alloc(20))).toBe("0".repeat(32));
  });
});

describe("tempDir", () => {
  it("creates an empty directory and removes it", async () => {
    const dir = await tempDir();
    expect(await readdir(dir.path)).toEqual([]);
    await dir.remove();
    await expect(lstat(dir.path)).rejects.toThrow();
  });
});

describe("writeFsTree", () => {
  it("writes generated trees with their names, modes, targets and contents", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree({ largeFiles: false, root: "any" }), async (tree) => {
        await withTempDir(async (dir) => {
          const root = join(dir, "root");
          await writeFsTree(root, tree);
          await expectOnDisk(Buffer.from(root), tree);
        });
      }),
      { numRuns: 30 },
    );
  });

  it("collectBytes joins chunks", async () => {
    expect(await collectBytes([Buffer.from("a"), new Uint8Array([98])])).toEqual(Buffer.from("ab"));
  });
});

describe.runIf(requireNix())("real Nix wrappers", () => {
  it("nixHashPath matches the documented hash of a file containing 'hi'", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "f");
      await writeFile(file, "hi");
      expect(await nixHashPath(file)).toBe("1z63q11s9hppsav4x9kh767bqr7ypmw7ncg3wjncgs4lijvx8li2");
    });
  });
});

async function expectOnDisk(path: Buffer, tree: FsTree): Promise<void> {
  const stats = await lstat(path);
  switch (tree.kind) {
    case "file":
      expect(stats.isFile()).toBe(true);
      expect(stats.mode & 0o777).toBe(tree.mode);
      expect((await readFile(path)).equals(fsFileContents(tree))).toBe(true);
      return;
    case "symlink":
      expect(stats.isSymbolicLink()).toBe(true);
      expect((await readlink(path, { encoding: "buffer" })).equals(tree.target)).toBe(true);
      return;
    case "directory": {
      expect(stats.isDirectory()).toBe(true);
      const names = await readdir(path, { encoding: "buffer" });
      expect(names.map((n) => n.toString("hex")).sort()).toEqual(
        tree.entries.map((e) => e.name.toString("hex")).sort(),
      );
      for (const entry of tree.entries)
        await expectOnDisk(Buffer.concat([path, Buffer.from("/"), entry.name]), entry.node);
    }
  }
}
