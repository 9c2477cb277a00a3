// FileBlobStore: key rules, atomic writes (a failing body leaves nothing, not even a temp file), unfinished writes
// as pending uploads, ranges, listing and deletion over a real temp directory.

import { afterAll, describe, expect, it } from "vitest";
import { readFile, readdir, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { FileBlobStore, BlobStoreError } from "../src/index.js";
import { collect, removeTempDirs, tempDir } from "./support/fixtures.js";

afterAll(removeTempDirs);

describe("FileBlobStore", () => {
  it("stores, reads, lists and deletes objects under nested keys", async () => {
    const root = await tempDir("blobs");
    const blobs = new FileBlobStore(join(root, "cache"));
    expect(await blobs.exists("nar/a.nar")).toBe(false);
    expect(await blobs.get("nar/a.nar")).toBeUndefined();
    await blobs.put("nar/a.nar", Buffer.from("hello world"), { contentType: "application/x-nix-nar" });
    await blobs.put("x.narinfo", Buffer.from("info"), { contentType: "text/x-nix-narinfo" });
    expect(await blobs.exists("nar/a.nar")).toBe(true);
    const object = await blobs.get("nar/a.nar");
    expect(object?.size).toBe(11);
    expect((await collect(object!.body)).toString()).toBe("hello world");
    const ranged = await blobs.get("nar/a.nar", { range: { start: 6, end: 9 } });
    expect((await collect(ranged!.body)).toString()).toBe("worl");
    const keys: string[] = [];
    for await (const entry of blobs.list()) keys.push(entry.key);
    expect(keys).toEqual(["nar/a.nar", "x.narinfo"]);
    const narKeys: string[] = [];
    for await (const entry of blobs.list("nar/")) narKeys.push(`${entry.key}:${entry.size}`);
    expect(narKeys).toEqual(["nar/a.nar:11"]);
    await blobs.delete("nar/a.nar");
    await blobs.delete("nar/a.nar");
    expect(await blobs.exists("nar/a.nar")).toBe(false);
  });

  it("leaves neither the object nor a temp file when the body throws midway", async () => {
    const root = await tempDir("atomic");
    const blobs = new FileBlobStore(root);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(100_000, 1);
      throw new Error("source broke");
    }
    await expect(blobs.put("nar/b.nar", failing(), { contentType: "x" })).rejects.toThrow("source broke");
    expect(await readdir(join(root, "nar"))).toEqual([]);
  });

  it("lists an unfinished write as a pending upload of its object, and aborting it fails that writer", async () => {
    const root = await tempDir("pending");
    const blobs = new FileBlobStore(root);
    await blobs.put("nar/done.nar", Buffer.from("done"), { contentType: "x" });
    let letGo!: () => void;
    const stalled = new Promise<void>((resolve) => (letGo = resolve));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(70_000, 2);
      await stalled;
      yield Buffer.from("rest");
    }
    const writing = blobs.put("nar/busy.nar.xz", slow(), { contentType: "x" });
    let pending: { key: string; uploadId: string; initiated?: Date }[] = [];
    for (let attempt = 0; attempt < 100 && pending.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      pending = [];
      for await (const upload of blobs.multipart.list("nar/")) pending.push(upload);
    }
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      key: "nar/busy.nar.xz",
      uploadId: expect.stringMatching(/^\.narwhal-tmp-[0-9a-f]{16}-busy\.nar\.xz$/),
    });
    expect(Date.now() - pending[0]!.initiated!.getTime()).toBeLessThan(60_000);
    const listed: string[] = [];
    for await (const entry of blobs.list("nar/")) listed.push(entry.key);
    expect(listed).toEqual(["nar/done.nar"]); // a pending write is never an object

    await blobs.multipart.abort(pending[0]!.key, pending[0]!.uploadId);
    letGo();
    await expect(writing).rejects.toBeInstanceOf(BlobStoreError); // its rename finds no temp file: nothing is published
    expect(await blobs.exists("nar/busy.nar.xz")).toBe(false);
    expect(await readdir(join(root, "nar"))).toEqual(["done.nar"]);
    await blobs.multipart.abort("nar/busy.nar.xz", pending[0]!.uploadId); // already gone: no error
  });

  it("lists temp files of older versions under their own name, and refuses to abort anything but a temp file", async () => {
    const root = await tempDir("legacy");
    await mkdir(join(root, "nar"), { recursive: true });
    await writeFile(join(root, "nar", ".narwhal-tmp-0123456789abcdef"), "partial");
    const blobs = new FileBlobStore(root);
    const pending = [];
    for await (const upload of blobs.multipart.list()) pending.push(upload);
    expect(pending).toMatchObject([
      { key: "nar/.narwhal-tmp-0123456789abcdef", uploadId: ".narwhal-tmp-0123456789abcdef" },
    ]);
    await blobs.put("nar/keep.nar", Buffer.from("keep"), { contentType: "x" });
    for (const uploadId of ["keep.nar", "../nar/keep.nar", ".narwhal-tmp-x/../../keep.nar"]) {
      await expect(blobs.multipart.abort("nar/keep.nar", uploadId)).rejects.toMatchObject({ code: "INVALID_KEY" });
    }
    expect(await blobs.exists("nar/keep.nar")).toBe(true);
    await blobs.multipart.abort(pending[0]!.key, pending[0]!.uploadId);
    expect(await readdir(join(root, "nar"))).toEqual(["keep.nar"]);
  });

  it("replaces an existing object atomically", async () => {
    const root = await tempDir("replace");
    const blobs = new FileBlobStore(root);
    await blobs.put("k", Buffer.from("one"), { contentType: "x" });
    await blobs.put("k", Buffer.from("two"), { contentType: "x" });
    expect(await readFile(join(root, "k"), "utf8")).toBe("two");
  });

  it.each([["../escape"], ["/etc/passwd"], ["a/../../b"], ["a\0b"], [""], ["a//b"]])(
    "refuses the key %j, naming it",
    async (key) => {
      const blobs = new FileBlobStore(await tempDir("keys"));
      const error = await blobs.get(key).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BlobStoreError);
      expect((error as BlobStoreError).code).toBe("INVALID_KEY");
      expect((error as BlobStoreError).message).toContain(JSON.stringify(key));
    },
  );

  it("treats a directory as an absent object and skips it in listings of files", async () => {
    const root = await tempDir("dirs");
    await mkdir(join(root, "nar", "sub"), { recursive: true });
    await writeFile(join(root, "nar", "sub", "f"), "x");
    const blobs = new FileBlobStore(root);
    expect(await blobs.exists("nar/sub")).toBe(false);
    const keys: string[] = [];
    for await (const entry of blobs.list("nar/s")) keys.push(entry.key);
    expect(keys).toEqual(["nar/sub/f"]);
  });
});
