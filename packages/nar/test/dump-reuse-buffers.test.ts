// dumpPath's reuseBuffers mode must yield exactly the bytes of the default mode to a consumer that copies each chunk
// at once, whatever the mix of file sizes around the 256 KiB batch and the read chunk size; and each chunk, in either
// mode, must stay as it was until the next one is asked for, though the next fill runs meanwhile (native serializer).
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbFsTree, withTempDir, writeFsTree } from "@narwhal/test-kit";
import { dumpPath } from "../src/index.js";

async function digest(chunks: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest("hex");
}

describe("dumpPath with reuseBuffers", () => {
  it("gives the same NAR as fresh buffers, for random trees and small read chunks", async () => {
    await fc.assert(
      fc.asyncProperty(arbFsTree(), fc.constantFrom(4096, 65536, 300_000), async (tree, chunkSize) =>
        withTempDir(async (dir) => {
          const root = `${dir}/root`;
          await writeFsTree(root, tree);
          const expected = await digest(dumpPath(root));
          expect(await digest(dumpPath(root, { reuseBuffers: true, chunkSize }))).toBe(expected);
        }),
      ),
      { numRuns: 25 },
    );
  });

  it("a chunk stays as it was while the consumer waits before taking the next", async () => {
    await withTempDir(async (dir) => {
      for (let index = 0; index < 12; index++) writeFileSync(`${dir}/f${index}`, Buffer.alloc(200_000, index + 1));
      const expected = await digest(dumpPath(dir));
      for (const reuseBuffers of [false, true]) {
        const hash = createHash("sha256");
        for await (const chunk of dumpPath(dir, { reuseBuffers, chunkSize: 65_536 })) {
          const before = Buffer.from(chunk);
          await sleep(2); // the next fill has long finished by now
          expect(chunk.equals(before)).toBe(true);
          hash.update(chunk);
        }
        expect(hash.digest("hex")).toBe(expected);
      }
    });
  });
});
