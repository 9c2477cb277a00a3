// Streaming check (memory, not time): dumping and parsing a 512 MiB file must not hold the file in memory.

import { open } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withTempDir } from "@narwhal/test-kit";
import { dumpPath, parseNar } from "../src/index.js";

const FILE_SIZE = 512 * 1024 * 1024;
const ALLOWED_GROWTH = 128 * 1024 * 1024;

describe("memory", () => {
  it("dump + parse of a 512 MiB sparse file keeps RSS growth well below the file size", async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, "big");
      const handle = await open(root, "w");
      await handle.truncate(FILE_SIZE);
      await handle.close();

      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let contentBytes = 0;
      let nonZero = 0;
      for await (const event of parseNar(dumpPath(root))) {
        if (event.type !== "file") continue;
        expect(event.size).toBe(FILE_SIZE);
        for await (const chunk of event.contents) {
          contentBytes += chunk.length;
          if (chunk.some((byte) => byte !== 0)) nonZero++;
          peak = Math.max(peak, process.memoryUsage().rss);
        }
      }
      expect(contentBytes).toBe(FILE_SIZE);
      expect(nonZero).toBe(0);
      expect(peak - baseline).toBeLessThan(ALLOWED_GROWTH);
    });
  });
});
