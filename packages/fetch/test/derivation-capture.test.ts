// DerivationCapture on NARs written by the real NAR writer and by `nix-store --dump`, cut into every chunking from
// single bytes up: a regular file (plain, executable, empty) gives its exact text; a symlink or directory is
// refused before the chunk that shows it is passed on; a size over the limit is refused from the header alone.

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DerivationCapture } from "../src/index.js";
import { hasNix, removeTempDirs, tempDir } from "@narwhal/cache-fixtures";
import { fileNar, narOf } from "./support/hostile-cache.js";

afterAll(removeTempDirs);

const DRV = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x.drv";

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Runs the capture over `nar` in chunks of `size`; returns the bytes it passed on and its text or error. */
async function capture(
  nar: Buffer,
  size: number,
  maxSize?: number,
): Promise<{ passed: number; text?: string; error?: Error & { code?: string } }> {
  const watcher = new DerivationCapture(DRV, maxSize === undefined ? {} : { maxSize });
  let passed = 0;
  try {
    for await (const chunk of watcher.observe(chunked(nar, size))) passed += chunk.length;
    return { passed, text: watcher.text() };
  } catch (error) {
    return { passed, error: error as Error & { code?: string } };
  }
}

const SIZES = [1, 3, 7, 8, 13, 64, 100, 4096];

describe("DerivationCapture", () => {
  it("captures a regular file's exact text, plain, executable or empty, whatever the chunking", async () => {
    const text = `Derive([("out","/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x","","")],[],[],"x86_64-linux","/bin/sh",[],[("é","€")])`;
    for (const [nar, expected] of [
      [await fileNar(text), text],
      [await fileNar(text, true), text],
      [await fileNar(""), ""],
      [await fileNar("1234567"), "1234567"],
    ] as const) {
      for (const size of SIZES) {
        const result = await capture(nar, size);
        expect(result.error, `chunks of ${size}`).toBeUndefined();
        expect(result.text).toBe(expected);
        expect(result.passed).toBe(nar.length);
      }
    }
  });

  it.skipIf(!hasNix)("captures a file dumped by nix-store --dump", async () => {
    const dir = tempDir("capture");
    writeFileSync(join(dir, "f"), "Derive([])\n");
    const nar = execFileSync("nix-store", ["--dump", join(dir, "f")]);
    for (const size of SIZES) expect((await capture(nar, size)).text).toBe("Derive([])\n");
  });

  it("refuses a symlink or a directory before passing on the bytes that show it", async () => {
    const symlink = await narOf([{ type: "symlink", segments: [], target: "/tmp/fifo" }]);
    const directory = await narOf([{ type: "directory", segments: [] }]);
    for (const [nar, holds] of [
      [symlink, "a symlink"],
      [directory, "a directory"],
    ] as const) {
      for (const size of SIZES) {
        const result = await capture(nar, size);
        expect(result.error?.code, `${holds} in chunks of ${size}`).toBe("DERIVATION_NOT_A_FILE");
        expect(result.error?.message).toBe(
          `${DRV} is a derivation (.drv), so its NAR must be a single regular file, but it holds ${holds}`,
        );
        // refused at the first byte that differs from "regular": byte 65 (symlink's "s") or 57 (directory's length)
        expect(result.passed).toBeLessThanOrEqual(64);
      }
    }
  });

  it("refuses what is not a NAR, and a NAR cut short", async () => {
    expect((await capture(Buffer.from("definitely not a NAR at all, just some text"), 8)).error?.message).toMatch(
      /holds something that is not a NAR$/,
    );
    const nar = await fileNar("Derive([])");
    expect((await capture(nar.subarray(0, 90), 8)).error?.message).toMatch(
      /holds a NAR that ends before a regular file's header$/,
    );
    expect((await capture(nar.subarray(0, 100), 8)).error?.message).toMatch(
      /holds a file cut short: 4 of its 10 bytes$/,
    );
  });

  it("refuses a file over the limit from its header, before its contents", async () => {
    const nar = await fileNar(Buffer.alloc(10_000, 0x41));
    for (const size of SIZES) {
      const result = await capture(nar, size, 9_999);
      expect(result.error?.code).toBe("DERIVATION_TOO_LARGE");
      expect(result.error?.message).toBe(
        `${DRV} is a derivation (.drv) of 10000 bytes; derivations larger than 9999 bytes are refused`,
      );
      expect(result.passed).toBeLessThan(96 + 4096);
    }
    expect((await capture(nar, 64, 10_000)).text).toHaveLength(10_000);
  });
});
