// The recommendation's arithmetic and choices: push = compress + upload and consume = download + decompress per
// GiB of NAR; a slow link favours a high ratio, a fast one a fast codec, many downloads favour fast decoding; only
// configurations a store URL can select are recommended; and the Pareto front keeps exactly the undominated rows.

import { describe, expect, it } from "vitest";
import { costOf, paretoFront, recommend, storeUrlSettingsFor } from "../src/index.js";
import { row, typicalRows } from "./bench-rows.js";

const GiB = 2 ** 30;

describe("costs per GiB of NAR", () => {
  it("adds compress and upload for push, download and decompress for consume", () => {
    const cost = costOf(
      row({ codec: "zstd", level: 3, ratio: 4, compressMBps: 100, decompressMBps: 400 }),
      { uploadBytesPerSecond: 10e6, downloadBytesPerSecond: 50e6, downloadsPerUpload: 3 },
      2,
    );
    expect(cost.compressSecondsPerGiB).toBeCloseTo(GiB / 100e6, 9);
    expect(cost.uploadSecondsPerGiB).toBeCloseTo(GiB / 4 / 10e6, 9);
    expect(cost.downloadSecondsPerGiB).toBeCloseTo(GiB / 4 / 50e6, 9);
    expect(cost.decompressSecondsPerGiB).toBeCloseTo(GiB / 400e6, 9);
    expect(cost.pushSecondsPerGiB).toBeCloseTo(GiB / 100e6 + GiB / 4 / 10e6, 9);
    expect(cost.consumeSecondsPerGiB).toBeCloseTo(GiB / 4 / 50e6 + GiB / 400e6, 9);
    expect(cost.weightedSecondsPerGiB).toBeCloseTo(cost.pushSecondsPerGiB + 3 * cost.consumeSecondsPerGiB, 9);
  });
});

describe("recommend", () => {
  const rows = typicalRows();

  it("on a very slow link picks the highest ratio (xz-6), on a LAN the fastest (zstd's fast levels or none)", () => {
    const slow = recommend(rows, { uploadBytesPerSecond: 1e5, downloadBytesPerSecond: 1e5, downloadsPerUpload: 10 }, 2);
    expect(slow[0]!.row.codec).toBe("xz");
    expect(slow[0]!.row.level).toBe(6);
    const lan = recommend(
      rows,
      { uploadBytesPerSecond: 1.25e9, downloadBytesPerSecond: 1.25e9, downloadsPerUpload: 1 },
      2,
    );
    expect(["zstd-(-5)", "none"]).toContain(
      lan[0]!.row.codec === "none" ? "none" : `${lan[0]!.row.codec}-(${lan[0]!.row.level})`,
    );
  });

  it("at 100 Mbit a push-only cache gets zstd-3, a cache downloaded 1000 times per upload zstd-19", () => {
    const model = { uploadBytesPerSecond: 12.5e6, downloadBytesPerSecond: 12.5e6 };
    const once = recommend(rows, { ...model, downloadsPerUpload: 0 }, 2);
    const often = recommend(rows, { ...model, downloadsPerUpload: 1000 }, 2);
    expect(once[0]!.row).toMatchObject({ codec: "zstd", level: 3 });
    expect(often[0]!.row).toMatchObject({ codec: "zstd", level: 19 });
  });

  it("ranks only what a store URL selects: no native CLI rows, no chunks where auto means native", () => {
    const best = recommend(
      rows,
      { uploadBytesPerSecond: 5e6, downloadBytesPerSecond: 5e6, downloadsPerUpload: 10 },
      2,
      20,
    );
    expect(best.length).toBeGreaterThan(3);
    for (const cost of best) {
      expect(cost.row.backend.startsWith("native:")).toBe(false);
      expect(cost.row.strategy).not.toBe("chunks");
      expect(cost.storeUrlSettings).toMatch(/^compression=/);
    }
    const costs = best.map((c) => c.weightedSecondsPerGiB);
    expect([...costs].sort((a, b) => a - b)).toEqual(costs);
  });

  it("refuses a zero bandwidth or negative downloads", () => {
    expect(() =>
      recommend(rows, { uploadBytesPerSecond: 0, downloadBytesPerSecond: 1, downloadsPerUpload: 1 }, 2),
    ).toThrow(/upload bandwidth must be a positive/);
    expect(() =>
      recommend(rows, { uploadBytesPerSecond: 1, downloadBytesPerSecond: 1, downloadsPerUpload: -1 }, 2),
    ).toThrow(/downloads per upload -1 must be a number >= 0/);
  });
});

describe("storeUrlSettingsFor", () => {
  it("names the settings of default-backend rows and nothing for others", () => {
    expect(storeUrlSettingsFor(row({ codec: "zstd", level: 19 }), 2)).toBe("compression=zstd&compression-level=19");
    expect(
      storeUrlSettingsFor(row({ codec: "zstd", level: 19, threads: 2, parallel: true, strategy: "native" }), 2),
    ).toBe("compression=zstd&compression-level=19&parallel-compression=true");
    // parallel-compression uses every core: a 2-thread row measured on a 4-core machine is not what it selects.
    expect(
      storeUrlSettingsFor(row({ codec: "zstd", level: 19, threads: 2, parallel: true, strategy: "native" }), 4),
    ).toBeUndefined();
    expect(
      storeUrlSettingsFor(row({ codec: "gzip", level: 6, threads: 2, parallel: true, strategy: "chunks" }), 2),
    ).toBe("compression=gzip&compression-level=6&parallel-compression=true");
    expect(storeUrlSettingsFor(row({ codec: "xz", level: 6, backend: "lzma-native" }), 2)).toBeUndefined();
    expect(storeUrlSettingsFor(row({ codec: "none", level: 0 }), 2)).toBe("compression=none");
  });
});

describe("paretoFront", () => {
  it("keeps the rows nothing beats on both axes, ties included", () => {
    const points = [
      { a: 1, b: 10 }, // front: fastest
      { a: 2, b: 5 }, // front
      { a: 2, b: 4 }, // dominated by {2,5}
      { a: 3, b: 1 }, // front: best ratio
      { a: 1.5, b: 5 }, // dominated by {2,5}
      { a: 2, b: 5 }, // the same point as a front one: stays
      { a: Number.NaN, b: 100 }, // not a measurement
    ];
    expect(
      [
        ...paretoFront(
          points,
          (p) => p.a,
          (p) => p.b,
        ),
      ].sort(),
    ).toEqual([0, 1, 3, 5]);
  });
});
