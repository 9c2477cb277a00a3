// The presets: --full covers every level of every codec (zstd -7..-2 and 1..22, xz 0-9, brotli 0-11, gzip and
// bzip2 1-9) and never zstd -1, which no store URL can select; --quick is a spread of them.

import { describe, expect, it } from "vitest";
import { benchPreset } from "../src/index.js";

describe("benchPreset", () => {
  it("full has every selectable level of each codec", () => {
    const full = benchPreset("full");
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    expect(full.levels["zstd"]).toEqual([...range(-7, -2), ...range(1, 22)]);
    expect(full.levels["xz"]).toEqual(range(0, 9));
    expect(full.levels["br"]).toEqual(range(0, 11));
    expect(full.levels["gzip"]).toEqual(range(1, 9));
    expect(full.levels["bzip2"]).toEqual(range(1, 9));
    expect(full.threads).toContain(1);
    expect(full.codecs).toEqual(expect.arrayContaining(["zstd", "xz", "gzip", "bzip2", "br", "none"]));
  });

  it("quick is a subset of full, and no preset lists zstd -1", () => {
    const full = benchPreset("full");
    for (const name of ["default", "quick", "full"] as const) {
      const preset = benchPreset(name);
      expect(preset.levels["zstd"]).not.toContain(-1);
      for (const [codec, levels] of Object.entries(preset.levels))
        for (const level of levels) expect(full.levels[codec]).toContain(level);
    }
  });

  it("an unknown preset is a typed error naming it", () => {
    expect(() => benchPreset("fast" as "quick")).toThrow(/unknown preset "fast"; use default, quick or full/);
  });
});
