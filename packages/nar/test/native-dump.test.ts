// The native serializer (@narwhal/nar-native) against the JavaScript one: identical bytes for random trees and
// output buffer sizes, identical errors (type, code, message) for every refusal, and nothing left open when a dump
// is abandoned. The native one is checked against nix-store --dump by interop-nix.test.ts and its own package.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbFsTree, hasNix, nixStoreDump, withTempDir, writeFsTree } from "@narwhal/test-kit";
import { dumpPath, dumpPathInWorker, dumpPathSync, narDumpImplementation } from "../src/index.js";
import { MIN_DUMP_BUFFER } from "../src/dump-framing.js";

/** Runs `body` with the JavaScript serializer forced. */
function inJavaScript<T>(body: () => T): T {
  const saved = process.env.NARWHAL_NAR_NATIVE;
  process.env.NARWHAL_NAR_NATIVE = "0";
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.NARWHAL_NAR_NATIVE;
    else process.env.NARWHAL_NAR_NATIVE = saved;
  }
}

function syncDigest(root: string, bufferSize: number): string {
  const hash = createHash("sha256");
  dumpPathSync(root, (chunk) => void hash.update(chunk), { bufferSize });
  return hash.digest("hex");
}

/** The error a dump fails with, as comparable facts. */
function failureOf(body: () => void): {
  name: string;
  code: unknown;
  message: string;
  syscall?: unknown;
  errno?: unknown;
} {
  try {
    body();
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    return {
      name: failure.constructor.name,
      code: failure.code,
      message: failure.message,
      syscall: failure.syscall,
      errno: failure.errno,
    };
  }
  throw new Error("expected the dump to fail");
}

function bothFailures(root: string, bufferSize = 1 << 20) {
  const dump = () => dumpPathSync(root, () => {}, { bufferSize });
  return { native: failureOf(dump), javascript: inJavaScript(() => failureOf(dump)) };
}

describe("the native NAR serializer", () => {
  it("is the one dumps run with here (the workspace builds it)", () => {
    expect(narDumpImplementation()).toBe("native");
    expect(inJavaScript(() => narDumpImplementation())).toBe("javascript");
  });

  it("gives the JavaScript serializer's bytes for random trees and buffer sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbFsTree({ root: "any" }),
        fc.constantFrom(MIN_DUMP_BUFFER, 9000, 65536, 1 << 20),
        async (tree, bufferSize) =>
          withTempDir(async (dir) => {
            const root = `${dir}/root`;
            await writeFsTree(root, tree);
            expect(syncDigest(root, bufferSize)).toBe(inJavaScript(() => syncDigest(root, 1 << 20)));
          }),
      ),
      { numRuns: 40 },
    );
  });

  it("orders a wide directory of random byte names (high bytes, shared prefixes) like the JavaScript serializer", async () => {
    await withTempDir(async (dir) => {
      const root = Buffer.from(join(dir, "wide"));
      mkdirSync(root);
      const names = new Set<string>();
      let seed = 7;
      const nextByte = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
      while (names.size < 3000) {
        const length = 1 + (nextByte() % 12);
        const name = Buffer.from(
          Array.from({ length }, () => [0x61, 0x62, 0x7f, 0x80, 0xc3, 0xff, 0x2e, 0x20][nextByte() % 8]!),
        );
        if (name.equals(Buffer.from(".")) || name.equals(Buffer.from(".."))) continue;
        names.add(name.toString("latin1"));
      }
      for (const [index, name] of [...names].entries()) {
        const path = Buffer.concat([root, Buffer.from("/"), Buffer.from(name, "latin1")]);
        if (index % 3 === 0) mkdirSync(path);
        else if (index % 3 === 1) writeFileSync(path, Buffer.from(name, "latin1"));
        else symlinkSync(Buffer.from(name, "latin1"), path);
      }
      const expected = inJavaScript(() => syncDigest(root.toString(), 1 << 20));
      expect(syncDigest(root.toString(), MIN_DUMP_BUFFER)).toBe(expected);
      if (hasNix())
        expect(
          createHash("sha256")
            .update(await nixStoreDump(root.toString()))
            .digest("hex"),
        ).toBe(expected);
    });
  });

  it("fits the longest symlink targets and the deepest nesting into the smallest buffer", async () => {
    await withTempDir(async (dir) => {
      let deep = join(dir, "t");
      for (let level = 0; level < 63; level++) deep = join(deep, "d");
      mkdirSync(deep, { recursive: true });
      for (let index = 0; index < 5; index++) symlinkSync("x".repeat(4095 - index), join(deep, `l${index}`));
      writeFileSync(join(dir, "t", "f"), Buffer.alloc(20_000, 7));
      const root = join(dir, "t");
      const expected = inJavaScript(() => syncDigest(root, 1 << 20));
      for (const bufferSize of [MIN_DUMP_BUFFER, MIN_DUMP_BUFFER + 1, 12_000])
        expect(syncDigest(root, bufferSize)).toBe(expected);
      if (hasNix())
        expect(
          createHash("sha256")
            .update(await nixStoreDump(root))
            .digest("hex"),
        ).toBe(expected);
    });
  });

  it("runs in dumpPath and in the dump worker with the same bytes", async () => {
    await withTempDir(async (dir) => {
      for (let index = 0; index < 200; index++) {
        mkdirSync(join(dir, "t", `d${index % 9}`), { recursive: true });
        writeFileSync(join(dir, "t", `d${index % 9}`, `f${index}`), Buffer.alloc((index * 7919) % 70_000, index), {
          mode: index % 4 === 0 ? 0o755 : 0o644,
        });
      }
      const root = join(dir, "t");
      const expected = inJavaScript(() => syncDigest(root, 1 << 20));
      const viaGenerator = createHash("sha256");
      for await (const chunk of dumpPath(root)) viaGenerator.update(chunk);
      expect(viaGenerator.digest("hex")).toBe(expected);
      const viaWorker = createHash("sha256");
      await dumpPathInWorker(root, (chunk) => void viaWorker.update(chunk), {
        ringBytes: 256 * 1024,
        chunkSize: 100_000,
      });
      expect(viaWorker.digest("hex")).toBe(expected);
    });
  });

  it("fails like the JavaScript serializer on a socket, a FIFO and a missing root", async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, "t", "a"), { recursive: true });
      writeFileSync(join(dir, "t", "a", "before"), "x");
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, "t", "a", "sock"), resolve));
      try {
        const socket = bothFailures(join(dir, "t"));
        expect(socket.native).toEqual(socket.javascript);
        expect(socket.native).toMatchObject({
          name: "NarError",
          code: "NAR_UNSUPPORTED_FILE_TYPE",
          message: expect.stringContaining("/t/a/sock: it is a socket"),
        });
      } finally {
        server.close();
      }
      execFileSync("mkfifo", [join(dir, "fifo")]);
      const fifo = bothFailures(join(dir, "fifo"));
      expect(fifo.native).toEqual(fifo.javascript);
      expect(fifo.native.message).toContain("it is a FIFO (named pipe)");
      const missing = bothFailures(join(dir, "missing"));
      expect(missing.native).toEqual(missing.javascript);
      expect(missing.native).toMatchObject({
        code: "ENOENT",
        syscall: "lstat",
        message: `ENOENT: no such file or directory, lstat '${join(dir, "missing")}'`,
      });
    });
  });

  it("fails like the JavaScript serializer on a tree nested too deep", async () => {
    await withTempDir(async (dir) => {
      let deep = join(dir, "t");
      for (let level = 0; level < 65; level++) deep = join(deep, "d");
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, "f"), "deep");
      const failures = bothFailures(join(dir, "t"));
      expect(failures.native).toEqual(failures.javascript);
      expect(failures.native).toMatchObject({
        code: "NAR_TOO_DEEP",
        message: expect.stringContaining("the limit is 64"),
      });
    });
  });

  it("refuses a file that grows while it is read, like the JavaScript serializer", () => {
    // /proc files claim size 0 and then give bytes: the dump must notice instead of writing a wrong size.
    const failures = bothFailures("/proc/self/status");
    expect(failures.native).toEqual(failures.javascript);
    expect(failures.native).toMatchObject({
      code: "NAR_FILE_CHANGED",
      message: expect.stringContaining("the file grew"),
    });
  });

  it("closes every file and directory when a dump is abandoned or fails", async () => {
    await withTempDir(async (dir) => {
      for (let index = 0; index < 40; index++) {
        mkdirSync(join(dir, "t", `d${index % 5}`, "e"), { recursive: true });
        writeFileSync(join(dir, "t", `d${index % 5}`, "e", `f${index}`), Buffer.alloc(50_000, index));
      }
      const openBefore = readdirSync("/proc/self/fd").length;
      for (let round = 0; round < 20; round++) {
        for await (const _ of dumpPath(join(dir, "t"), { chunkSize: 16_384 })) break;
      }
      mkdirSync(join(dir, "t", "d4", "e", "zz"));
      execFileSync("mkfifo", [join(dir, "t", "d4", "e", "zz", "fifo")]);
      for (let round = 0; round < 20; round++) expect(() => dumpPathSync(join(dir, "t"), () => {})).toThrow(/FIFO/);
      expect(readdirSync("/proc/self/fd").length).toBe(openBefore);
    });
  });
});
