// The addon on its own: NAR bytes equal to nix-store --dump for random trees (and to hand-built bytes for the
// smallest cases), failures thrown as facts, and its argument checks. @narwhal/nar's tests compare it with the
// JavaScript serializer error by error.
import { createRequire } from "node:module";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbFsTree, nixStoreDump, requireNix, withTempDir, writeFsTree } from "@narwhal/test-kit";
import type * as NarNative from "../index.js";

const addon = createRequire(import.meta.url)("../index.cjs") as typeof NarNative;

/** The whole NAR of `root`, filled `bufferSize` bytes at a time. */
function dump(root: string | Buffer, bufferSize = 1 << 20): Buffer {
  const dumper = addon.createDumper(Buffer.isBuffer(root) ? root : Buffer.from(root));
  const buffer = Buffer.alloc(bufferSize);
  const parts: Buffer[] = [];
  for (let filled = addon.fill(dumper, buffer); filled > 0; filled = addon.fill(dumper, buffer))
    parts.push(Buffer.from(buffer.subarray(0, filled)));
  return Buffer.concat(parts);
}

/** The same, with fillAsync (each fill on a libuv pool thread). */
async function dumpAsync(root: string | Buffer, bufferSize = 1 << 20): Promise<Buffer> {
  const dumper = addon.createDumper(Buffer.isBuffer(root) ? root : Buffer.from(root));
  const buffer = Buffer.alloc(bufferSize);
  const parts: Buffer[] = [];
  for (let filled = await addon.fillAsync(dumper, buffer); filled > 0; filled = await addon.fillAsync(dumper, buffer))
    parts.push(Buffer.from(buffer.subarray(0, filled)));
  return Buffer.concat(parts);
}

/** NAR tokens written by hand: strings padded to 8 bytes after their u64 length, numbers as u64. */
function narBytes(...tokens: (string | Buffer | bigint)[]): Buffer {
  return Buffer.concat(
    tokens.map((token) => {
      if (typeof token === "bigint") {
        const number = Buffer.alloc(8);
        number.writeBigUInt64LE(token);
        return number;
      }
      const bytes = Buffer.from(token);
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(bytes.length));
      return Buffer.concat([length, bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8)]);
    }),
  );
}

function failureOf(body: () => unknown): unknown {
  try {
    body();
  } catch (failure) {
    return failure;
  }
  throw new Error("expected a failure");
}

describe("nar-native", () => {
  it("dumps a regular file, an executable and a directory to hand-built NAR bytes", async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, "hello"), "hello");
      expect(dump(join(dir, "hello"))).toEqual(
        narBytes("nix-archive-1", "(", "type", "regular", "contents", Buffer.from("hello"), ")"),
      );
      chmodSync(join(dir, "hello"), 0o755);
      expect(dump(join(dir, "hello"))).toEqual(
        narBytes("nix-archive-1", "(", "type", "regular", "executable", "", "contents", Buffer.from("hello"), ")"),
      );
      mkdirSync(join(dir, "t"));
      writeFileSync(join(dir, "t", "b"), "");
      mkdirSync(join(dir, "t", "a"));
      expect(dump(join(dir, "t"))).toEqual(
        narBytes(
          "nix-archive-1",
          "(",
          "type",
          "directory",
          "entry",
          "(",
          "name",
          "a",
          "node",
          "(",
          "type",
          "directory",
          ")",
          ")",
          "entry",
          "(",
          "name",
          "b",
          "node",
          "(",
          "type",
          "regular",
          "contents",
          Buffer.alloc(0),
          ")",
          ")",
          ")",
        ),
      );
    });
  });

  describe.runIf(requireNix())("against nix-store --dump", () => {
    it("gives its bytes for random trees, whatever the buffer size", async () => {
      await fc.assert(
        fc.asyncProperty(arbFsTree({ root: "any" }), fc.constantFrom(8207, 10_000, 1 << 16), async (tree, bufferSize) =>
          withTempDir(async (dir) => {
            const root = `${dir}/root`;
            await writeFsTree(root, tree);
            const expected = await nixStoreDump(root);
            expect(dump(root, bufferSize).equals(expected)).toBe(true);
            expect((await dumpAsync(root, bufferSize)).equals(expected)).toBe(true);
          }),
        ),
        { numRuns: 25 },
      );
    });
  });

  it("throws failures as facts: the kind, the path as bytes, and the system call", () => {
    expect(failureOf(() => dump("/nonexistent-narwhal-native"))).toEqual({
      narDumpFailure: "errno",
      path: Buffer.from("/nonexistent-narwhal-native"),
      errno: -2,
      syscall: "lstat",
    });
    expect(failureOf(() => dump("/dev/null"))).toEqual({
      narDumpFailure: "unsupported",
      path: Buffer.from("/dev/null"),
      text: "a character device",
    });
    expect(failureOf(() => dump("/proc/self/status"))).toEqual({
      narDumpFailure: "changed",
      path: Buffer.from("/proc/self/status"),
      text: "the file grew",
      number: 0,
    });
  });

  it("fillAsync rejects with the same facts as fill throws", async () => {
    for (const root of ["/nonexistent-narwhal-native", "/dev/null", "/proc/self/status"])
      await expect(dumpAsync(root)).rejects.toEqual(failureOf(() => dump(root)));
  });

  it("fillAsync: one fill at a time, the buffer written only by it, and a release waits for it", async () => {
    await withTempDir(async (dir) => {
      for (let index = 0; index < 30; index++) writeFileSync(join(dir, `f${index}`), Buffer.alloc(100_000, index));
      const dumper = addon.createDumper(Buffer.from(dir));
      const buffer = Buffer.alloc(1 << 16);
      const first = addon.fillAsync(dumper, buffer);
      expect(() => addon.fill(dumper, Buffer.alloc(1 << 16))).toThrow(/has not settled/);
      expect(() => addon.fillAsync(dumper, Buffer.alloc(1 << 16))).toThrow(/has not settled/);
      addon.release(dumper); // comes while the fill runs: done when it settles
      const filled = await first;
      expect(filled).toBeGreaterThan(0);
      expect(buffer.subarray(0, filled).equals((await dumpAsync(dir, 1 << 16)).subarray(0, filled))).toBe(true);
      // Released: what it held is closed, so it can only fail now.
      await expect(addon.fillAsync(dumper, buffer)).rejects.toMatchObject({ narDumpFailure: "used-after-failure" });
    });
  });

  it("fillAsync runs several dumps at once, each whole", async () => {
    await withTempDir(async (dir) => {
      for (let tree = 0; tree < 4; tree++) {
        mkdirSync(join(dir, `t${tree}`, "sub"), { recursive: true });
        for (let index = 0; index < 20; index++)
          writeFileSync(join(dir, `t${tree}`, "sub", `f${index}`), Buffer.alloc(30_000 + index, tree * 20 + index));
      }
      const roots = [0, 1, 2, 3].map((tree) => join(dir, `t${tree}`));
      const together = await Promise.all(roots.map((root) => dumpAsync(root, 10_000)));
      for (const [tree, nar] of together.entries()) expect(nar.equals(dump(roots[tree]!))).toBe(true);
    });
  });

  it("refuses to be used after a failure", () => {
    const dumper = addon.createDumper(Buffer.from("/nonexistent-narwhal-native"));
    const buffer = Buffer.alloc(1 << 16);
    expect(failureOf(() => addon.fill(dumper, buffer))).toMatchObject({ narDumpFailure: "errno" });
    expect(failureOf(() => addon.fill(dumper, buffer))).toMatchObject({ narDumpFailure: "used-after-failure" });
  });

  it("checks its arguments", () => {
    expect(() => addon.createDumper("/tmp" as unknown as Buffer)).toThrow(TypeError);
    expect(() => addon.createDumper(Buffer.from("a\0b"))).toThrow(/NUL/);
    const dumper = addon.createDumper(Buffer.from("/tmp"));
    expect(() => addon.fill(dumper, Buffer.alloc(8206))).toThrow(RangeError);
    expect(() => addon.fill(dumper, new Uint16Array(10_000) as unknown as Buffer)).toThrow(TypeError);
    expect(() => addon.fill({} as never, Buffer.alloc(1 << 16))).toThrow(/dumper/);
    expect(() => addon.fillAsync(dumper, Buffer.alloc(8206))).toThrow(RangeError);
    expect(() => addon.fillAsync(dumper, new Uint16Array(10_000) as unknown as Buffer)).toThrow(TypeError);
    expect(() => addon.fillAsync({} as never, Buffer.alloc(1 << 16))).toThrow(/dumper/);
    addon.release(dumper);
  });
});
