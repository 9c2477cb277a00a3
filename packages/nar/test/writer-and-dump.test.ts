// NarWriter/writeNar refuse events that would make an invalid NAR; dumpPath refuses what a NAR cannot hold.

import { mkdir, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectBytes, runCommand, withTempDir } from "@narwhal/test-kit";
import { MAX_NAR_DEPTH, NarWriter, dumpPath, writeNar, type NarWriteEvent } from "../src/index.js";
import { directory, entry, nar, regular, symlinkNode } from "./nar-builders.js";

const b = (text: string) => Buffer.from(text);
const file = (segments: string[], contents: string, size = contents.length, executable = false): NarWriteEvent => ({
  type: "file",
  segments: segments.map(b),
  executable,
  size,
  contents: [b(contents)],
});

describe("writeNar", () => {
  it("serializes events into the same bytes as the hand-built NAR", async () => {
    const events: NarWriteEvent[] = [
      { type: "directory", segments: [] },
      { type: "directory", segments: [b("d")] },
      { type: "symlink", segments: [b("d"), b("l")], target: "/abs" },
      file(["f"], "hi", 2, true),
    ];
    const expected = nar(
      directory(entry("d", directory(entry("l", symlinkNode("/abs")))), entry("f", regular("hi", true))),
    );
    expect((await collectBytes(writeNar(events))).equals(expected)).toBe(true);
  });

  it.each([
    [
      "entries out of byte order",
      [{ type: "directory", segments: [] }, file(["b"], ""), file(["a"], "")],
      "NAR_UNSORTED_ENTRIES",
    ],
    [
      "duplicate entries",
      [{ type: "directory", segments: [] }, file(["a"], ""), file(["a"], "")],
      "NAR_UNSORTED_ENTRIES",
    ],
    ["a '..' entry", [{ type: "directory", segments: [] }, file([".."], "")], "NAR_BAD_ENTRY_NAME"],
    ["a child without its parent", [{ type: "directory", segments: [] }, file(["x", "y"], "")], "NAR_BAD_EVENT_ORDER"],
    [
      "a child of a file",
      [{ type: "directory", segments: [] }, file(["x"], ""), file(["x", "y"], "")],
      "NAR_BAD_EVENT_ORDER",
    ],
    ["a first node that is not the root", [file(["x"], "")], "NAR_BAD_EVENT_ORDER"],
    ["two roots", [file([], ""), file([], "")], "NAR_BAD_EVENT_ORDER"],
    ["no nodes at all", [], "NAR_BAD_EVENT_ORDER"],
    ["contents shorter than the size", [file([], "abc", 5)], "NAR_SIZE_MISMATCH"],
    ["contents longer than the size", [file([], "abcdef", 2)], "NAR_SIZE_MISMATCH"],
    ["an empty symlink target", [{ type: "symlink", segments: [], target: "" }], "NAR_BAD_SYMLINK_TARGET"],
  ] as Array<[string, NarWriteEvent[], string]>)("refuses %s", async (_label, events, code) => {
    await expect(collectBytes(writeNar(events))).rejects.toMatchObject({ code });
  });

  it("refuses nesting deeper than the limit", () => {
    const writer = new NarWriter();
    const segments: Buffer[] = [];
    writer.directory([]);
    for (let depth = 1; depth <= MAX_NAR_DEPTH; depth++) {
      segments.push(b("d"));
      writer.directory([...segments]);
    }
    expect(() => writer.directory([...segments, b("d")])).toThrow(expect.objectContaining({ code: "NAR_TOO_DEEP" }));
  });
});

describe("dumpPath", () => {
  it("refuses a FIFO and names its path and type", async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, "t"));
      await runCommand("mkfifo", [join(dir, "t", "pipe")]);
      await expect(collectBytes(dumpPath(join(dir, "t")))).rejects.toThrow(/pipe: it is a FIFO/);
    });
  });

  it("refuses a socket", async () => {
    await withTempDir(async (dir) => {
      const server = createServer();
      const socketPath = join(dir, "sock");
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      try {
        await expect(collectBytes(dumpPath(socketPath))).rejects.toMatchObject({
          code: "NAR_UNSUPPORTED_FILE_TYPE",
          message: expect.stringContaining("socket"),
        });
      } finally {
        server.close();
      }
    });
  });

  it("refuses a tree deeper than the parser accepts", async () => {
    await withTempDir(async (dir) => {
      const deep = join(dir, "t", ...Array.from({ length: MAX_NAR_DEPTH }, () => "d"));
      await mkdir(deep, { recursive: true });
      await collectBytes(dumpPath(join(dir, "t")));
      await writeFile(join(deep, "f"), "");
      await expect(collectBytes(dumpPath(join(dir, "t")))).rejects.toMatchObject({ code: "NAR_TOO_DEEP" });
    });
  });

  it("dumps a symlink root as a symlink without following it", async () => {
    await withTempDir(async (dir) => {
      await symlink("/etc", join(dir, "l"));
      expect((await collectBytes(dumpPath(join(dir, "l")))).equals(nar(symlinkNode("/etc")))).toBe(true);
    });
  });
});
