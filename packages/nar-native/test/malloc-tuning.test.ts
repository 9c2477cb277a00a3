// keepFreedMemory on its own: applied on glibc, and it does what it is for: a process that allocates and frees
// MiB-sized buffers round after round faults in far fewer fresh pages with it than without it.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { onGlibc } from "@narwhal/test-kit";

const addonPath = fileURLToPath(new URL("../index.cjs", import.meta.url));

/** A child that allocates 32 buffers of 1-2 MiB, frees them (gc) and repeats 20 times; returns its minor page faults. */
function pageFaultsOfBufferChurn(tuned: boolean): number {
  const program = `
    if (${tuned} && !require(${JSON.stringify(addonPath)}).keepFreedMemory()) throw new Error("keepFreedMemory was not applied");
    const before = process.resourceUsage().minorPageFault;
    for (let round = 0; round < 20; round += 1) {
      let live = [];
      for (let i = 0; i < 32; i += 1) live.push(Buffer.allocUnsafeSlow((1 << 20) + ((i * 7919 + round * 104729) % 16) * 65536).fill(round));
      live = null;
      global.gc();
    }
    process.stdout.write(String(process.resourceUsage().minorPageFault - before));`;
  const child = spawnSync(process.execPath, ["--expose-gc", "-e", program], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  return Number(child.stdout);
}

describe.skipIf(!onGlibc)("keepFreedMemory (glibc)", () => {
  it("is applied", () => {
    const addon = createRequire(import.meta.url)(addonPath) as typeof import("../index.js");
    expect(addon.keepFreedMemory()).toBe(true);
  });

  it("makes buffer churn fault in far fewer fresh pages", () => {
    const plain = pageFaultsOfBufferChurn(false);
    const tuned = pageFaultsOfBufferChurn(true);
    // Measured here: ~20,000-34,000 without, ~9,000-14,000 with (the first round's pages are fresh either way).
    expect(tuned).toBeLessThan(plain * 0.7);
  });
});
