// A file that changes while it is dumped is refused with NAR_FILE_CHANGED, whether it grew or shrank, also when the
// growth is noticed by the extra byte asked for in the last read.
import { appendFileSync, closeSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withTempDir } from "@narwhal/test-kit";
import { openRegularFile, readFilePiece } from "../src/file-reading.js";

describe("readFilePiece", () => {
  it.each([
    ["grew, with room for a probe byte", 64, "grew"],
    ["grew, with no room for a probe byte", 10, "grew"],
    ["shrank", 64, "shrank"],
  ])("refuses a file that %s", async (_label, bufferSize, change) => {
    await withTempDir(async (dir) => {
      const path = Buffer.from(join(dir, "f"));
      writeFileSync(path, "0123456789");
      const file = openRegularFile(path);
      try {
        if (change === "grew") appendFileSync(path, "more");
        else truncateSync(path, 4);
        expect(() => readFilePiece(file, path, Buffer.alloc(bufferSize), 0, 10, 0)).toThrow(
          expect.objectContaining({ code: "NAR_FILE_CHANGED", message: expect.stringContaining(`the file ${change}`) }),
        );
      } finally {
        closeSync(file.fd);
      }
    });
  });

  it("refuses an empty file that grew", async () => {
    await withTempDir(async (dir) => {
      const path = Buffer.from(join(dir, "empty"));
      writeFileSync(path, "");
      const file = openRegularFile(path);
      try {
        appendFileSync(path, "x");
        expect(() => readFilePiece(file, path, Buffer.alloc(8), 0, 0, 0)).toThrow(/the file grew/);
      } finally {
        closeSync(file.fd);
      }
    });
  });

  it("reads an unchanged file", async () => {
    await withTempDir(async (dir) => {
      const path = Buffer.from(join(dir, "f"));
      writeFileSync(path, "0123456789");
      const file = openRegularFile(path);
      const target = Buffer.alloc(12);
      readFilePiece(file, path, target, 1, 10, 0);
      closeSync(file.fd);
      expect(target.subarray(1, 11).toString()).toBe("0123456789");
    });
  });
});
