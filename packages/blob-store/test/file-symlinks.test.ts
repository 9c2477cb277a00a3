// A file:// cache is untrusted input: a symlink inside it (as the object, or as a directory on the way to it) is
// refused by name and never followed, so no byte from outside the cache directory is read, written or deleted.

import { afterAll, describe, expect, it } from "vitest";
import { mkdir, mkfifo, readFile, symlink, writeFile } from "./support/fs.js";
import { join } from "node:path";
import { FileBlobStore } from "../src/index.js";
import { collect, removeTempDirs, tempDir } from "./support/fixtures.js";

afterAll(removeTempDirs);

const SECRET = "outside secret bytes";

async function cacheBesideSecret(): Promise<{ cache: string; outside: string; blobs: FileBlobStore }> {
  const root = await tempDir("symlinks");
  const outside = join(root, "outside");
  const cache = join(root, "cache");
  await mkdir(join(outside, "nar"), { recursive: true });
  await mkdir(cache, { recursive: true });
  await writeFile(join(outside, "secret"), SECRET);
  await writeFile(join(outside, "nar", "x.nar"), SECRET);
  return { cache, outside, blobs: new FileBlobStore(cache) };
}

describe("FileBlobStore and symlinks", () => {
  it("refuses an object that is a symlink out of the cache, without reading its target", async () => {
    const { cache, outside, blobs } = await cacheBesideSecret();
    await symlink(join(outside, "secret"), join(cache, "abc.narinfo"));
    for (const call of [
      () => blobs.get("abc.narinfo"),
      () => blobs.exists("abc.narinfo"),
      () => blobs.head("abc.narinfo"),
    ]) {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: "OUTSIDE_CACHE", key: "abc.narinfo" });
      expect(String((error as Error).message)).not.toContain(SECRET);
      expect(String((error as Error).message)).toContain("symlink");
    }
  });

  it("refuses a directory on the way that is a symlink, for reads, writes and deletes", async () => {
    const { cache, outside, blobs } = await cacheBesideSecret();
    await symlink(join(outside, "nar"), join(cache, "nar"));
    await expect(blobs.get("nar/x.nar")).rejects.toMatchObject({ code: "OUTSIDE_CACHE" });
    await expect(blobs.put("nar/y.nar", Buffer.from("escaped"), { contentType: "x" })).rejects.toMatchObject({
      code: "OUTSIDE_CACHE",
    });
    await expect(blobs.delete("nar/x.nar")).rejects.toMatchObject({ code: "OUTSIDE_CACHE" });
    expect(await readFile(join(outside, "nar", "x.nar"), "utf8")).toBe(SECRET);
    await expect(readFile(join(outside, "nar", "y.nar"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("does not list symlinks and does not hang on a FIFO", async () => {
    const { cache, outside, blobs } = await cacheBesideSecret();
    await writeFile(join(cache, "real.narinfo"), "real");
    await symlink(join(outside, "secret"), join(cache, "link.narinfo"));
    await mkfifo(join(cache, "fifo.narinfo"));
    const keys: string[] = [];
    for await (const entry of blobs.list()) keys.push(entry.key);
    expect(keys).toEqual(["real.narinfo"]);
    expect(await blobs.get("fifo.narinfo")).toBeUndefined();
    expect((await collect((await blobs.get("real.narinfo"))!.body)).toString()).toBe("real");
  });
});
