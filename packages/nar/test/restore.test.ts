// restoreNar: refuses existing targets, sets modes like Nix, keeps symlinks verbatim, cleans up after failures.

import { lstat, mkdir, readdir, readFile, readlink, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withTempDir } from "@narwhal/test-kit";
import { restoreNar } from "../src/index.js";
import { directory, entry, nar, regular, symlinkNode } from "./nar-builders.js";

const sample = () =>
  nar(
    directory(
      entry("bin", directory(entry("tool", regular("#!/bin/sh\n", true)))),
      entry("data", regular("hello")),
      entry("link", symlinkNode("/nonexistent/abs")),
    ),
  );

describe("restoreNar", () => {
  it("creates files with 0755/0644, directories, and verbatim symlinks", async () => {
    await withTempDir(async (dir) => {
      const target = join(dir, "out");
      await restoreNar([sample()], target);
      expect((await lstat(join(target, "bin/tool"))).mode & 0o777).toBe(0o755);
      expect((await lstat(join(target, "data"))).mode & 0o777).toBe(0o644);
      expect(await readFile(join(target, "data"), "utf8")).toBe("hello");
      expect(await readlink(join(target, "link"))).toBe("/nonexistent/abs");
    });
  });

  it("gives files their modes whatever the umask takes away", async () => {
    await withTempDir(async (dir) => {
      const previous = process.umask(0o277);
      try {
        await restoreNar([sample()], join(dir, "out"));
        await restoreNar([sample()], join(dir, "store"), { storeMetadata: { rootDirectoryMode: 0o755 } });
      } finally {
        process.umask(previous);
      }
      expect((await lstat(join(dir, "out/bin/tool"))).mode & 0o777).toBe(0o755);
      expect((await lstat(join(dir, "out/data"))).mode & 0o777).toBe(0o644);
      expect((await lstat(join(dir, "store/bin/tool"))).mode & 0o777).toBe(0o555);
      expect((await lstat(join(dir, "store/data"))).mode & 0o777).toBe(0o444);
    });
  });

  it("with storeMetadata, gives every entry a store path's modes and modification time 1 as it restores", async () => {
    await withTempDir(async (dir) => {
      const target = join(dir, "out");
      await restoreNar([sample()], target, { storeMetadata: { rootDirectoryMode: 0o755 } });
      const metadata = async (path: string) => {
        const stats = await lstat(join(target, path));
        return [stats.mode & 0o777, stats.mtimeMs];
      };
      expect(await metadata("")).toEqual([0o755, 1000]);
      expect(await metadata("bin")).toEqual([0o555, 1000]);
      expect(await metadata("bin/tool")).toEqual([0o555, 1000]);
      expect(await metadata("data")).toEqual([0o444, 1000]);
      expect((await lstat(join(target, "link"))).mtimeMs).toBe(1000);
      expect(await readFile(join(target, "bin/tool"), "utf8")).toBe("#!/bin/sh\n");

      await restoreNar([nar(regular("x", false))], join(dir, "file"), { storeMetadata: { rootDirectoryMode: 0o755 } });
      expect((await lstat(join(dir, "file"))).mtimeMs).toBe(1000);
      expect((await lstat(join(dir, "file"))).mode & 0o777).toBe(0o444);
    });
  });

  it("with storeMetadata, still removes everything it made when the NAR turns out bad", async () => {
    await withTempDir(async (dir) => {
      const bad = Buffer.concat([sample(), Buffer.from("trailing")]);
      await expect(
        restoreNar([bad], join(dir, "out"), { storeMetadata: { rootDirectoryMode: 0o755 } }),
      ).rejects.toMatchObject({ code: "NAR_TRAILING_BYTES" });
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it("restores a NAR whose root is a file or a symlink", async () => {
    await withTempDir(async (dir) => {
      await restoreNar([nar(regular("x", true))], join(dir, "f"));
      expect((await lstat(join(dir, "f"))).mode & 0o777).toBe(0o755);
      await restoreNar([nar(symlinkNode("f"))], join(dir, "l"));
      expect(await readlink(join(dir, "l"))).toBe("f");
    });
  });

  it.each([
    ["an existing directory", (p: string) => mkdir(p)],
    ["an existing file", (p: string) => writeFile(p, "keep")],
    ["a dangling symlink", (p: string) => symlink("/nonexistent", p)],
  ])("refuses %s as target and leaves it untouched", async (_label, make) => {
    await withTempDir(async (dir) => {
      const target = join(dir, "out");
      await make(target);
      const before = await lstat(target);
      await expect(restoreNar([sample()], target)).rejects.toMatchObject({ code: "RESTORE_TARGET_EXISTS" });
      const after = await lstat(target);
      expect(after.ino).toBe(before.ino);
      expect(await readdir(dir)).toEqual(["out"]);
    });
  });

  it("removes what it wrote when the NAR turns out bad after files were written", async () => {
    await withTempDir(async (dir) => {
      const bad = Buffer.concat([sample(), Buffer.from("trailing")]);
      await expect(restoreNar([bad], join(dir, "out"))).rejects.toMatchObject({ code: "NAR_TRAILING_BYTES" });
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it("keeps the partial tree when asked to", async () => {
    await withTempDir(async (dir) => {
      const bad = Buffer.concat([sample(), Buffer.from("trailing")]);
      await expect(restoreNar([bad], join(dir, "out"), { keepPartialOnError: true })).rejects.toMatchObject({
        code: "NAR_TRAILING_BYTES",
      });
      expect(await readFile(join(dir, "out/data"), "utf8")).toBe("hello");
    });
  });

  it("writes nothing through a symlink to an outside directory even when the entry order is valid", async () => {
    await withTempDir(async (dir) => {
      const outside = join(dir, "outside");
      await mkdir(outside);
      const evil = nar(directory(entry("a", symlinkNode(outside)), entry("b", directory(entry("c", regular("ok"))))));
      await restoreNar([evil], join(dir, "out"));
      expect(await readdir(outside)).toEqual([]);
      expect(await readFile(join(dir, "out/b/c"), "utf8")).toBe("ok");
    });
  });

  it("refuses to write into a directory swapped for a symlink while the restore waited for input", async () => {
    await withTempDir(async (dir) => {
      const outside = join(dir, "outside");
      await mkdir(outside);
      const bytes = nar(directory(entry("d", directory(entry("a", regular("1")), entry("b", regular("2"))))));
      const entryToken = Buffer.from("entry");
      const split = bytes.lastIndexOf(entryToken) - 8; // the length prefix of d's second entry, "b"
      async function* swapping(): AsyncGenerator<Buffer> {
        yield bytes.subarray(0, split);
        await rename(join(dir, "out/d"), join(dir, "moved-away"));
        await symlink(outside, join(dir, "out/d"));
        yield bytes.subarray(split);
      }
      await expect(restoreNar(swapping(), join(dir, "out"), { keepPartialOnError: true })).rejects.toMatchObject({
        code: "RESTORE_UNSAFE_PATH",
      });
      expect(await readdir(outside)).toEqual([]);
      expect(await readdir(join(dir, "moved-away"))).toEqual(["a"]);
    });
  });

  it("restores non-UTF-8 names byte for byte", async () => {
    await withTempDir(async (dir) => {
      const name = Buffer.from([0x66, 0xff, 0xfe]);
      await restoreNar([nar(directory(entry(name, regular("z"))))], join(dir, "out"));
      const names = await readdir(join(dir, "out"), { encoding: "buffer" });
      expect(names).toEqual([name]);
    });
  });
});
