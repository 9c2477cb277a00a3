// The benchmark end to end on a small generated input: every planned configuration measured and verified,
// native CLI rows present when installed, progress with an ETA, the recommendation for given bandwidths, and
// results.json / results.md / chart.svg / report.html written; zstd's negative and --ultra levels on both sides.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareWithNative, generateSampleInput, renderChartSvg, runCodecBenchmark } from "../src/index.js";

const outDir = mkdtempSync(join(tmpdir(), "narwhal-codec-bench-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("runCodecBenchmark", () => {
  it("measures codec x level x threads x backend and writes the three reports", async () => {
    const progress: string[] = [];
    const etas: (number | undefined)[] = [];
    const result = await runCodecBenchmark(
      {
        transfer: { uploadBytesPerSecond: 12.5e6, downloadBytesPerSecond: 125e6, downloadsPerUpload: 10 },
        codecs: ["zstd", "gzip", "br"],
        levels: { zstd: [1, 3], gzip: [6], br: [4] },
        threads: [1, 2],
        backends: "all",
        maxInputBytes: 2_000_000,
        chunkSize: 256 * 1024,
        outDir,
      },
      ({ label, etaSeconds }) => {
        progress.push(label);
        etas.push(etaSeconds);
      },
    );
    const ours = result.rows.filter((row) => !row.backend.startsWith("native:"));
    // zstd: 2 levels x (single + native + chunks); gzip: single + chunks; br: 2 backends single only.
    expect(ours).toHaveLength(2 * 3 + 2 + 2);
    for (const row of ours) {
      expect(row.error).toBeUndefined();
      expect(row.verified).toBe(true);
      expect(row.ratio).toBeGreaterThan(1);
      expect(row.compressMBps).toBeGreaterThan(0);
      expect(row.peakRssMiB).toBeGreaterThan(0);
    }
    expect(result.input.bytes).toBe(2_000_000);
    expect(progress.at(-1)).toBe("done");
    expect(etas[0]).toBeUndefined(); // nothing measured yet
    expect(etas.slice(1, -1).every((eta) => eta !== undefined && eta >= 0)).toBe(true);
    expect(result.recommendation?.best).toHaveLength(3);
    for (const best of result.recommendation!.best) {
      expect(result.rows[best.row]!.backend.startsWith("native:")).toBe(false);
      expect(best.storeUrlSettings).toMatch(/^compression=(zstd|gzip|br)&compression-level=\d+/);
    }
    const html = readFileSync(join(outDir, "report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/); // self-contained
    expect(readFileSync(join(outDir, "results.md"), "utf8")).toContain("## Recommendation");
    const saved = JSON.parse(readFileSync(join(outDir, "results.json"), "utf8"));
    expect(saved.rows).toHaveLength(result.rows.length);
    expect(readFileSync(join(outDir, "results.md"), "utf8")).toContain(
      "| zstd | zstd-napi | 3 | 2 | parallel/native |",
    );
    expect(readFileSync(join(outDir, "chart.svg"), "utf8")).toMatch(/^<svg[\s\S]*<circle[\s\S]*<\/svg>$/);
    if (result.rows.some((row) => row.backend === "native:zstd")) {
      expect(
        compareWithNative(result.rows)
          .map((c) => c.label)
          .join("\n"),
      ).toContain("zstd-3 T2");
    }
  });

  it("measures zstd's negative and --ultra levels, spelt --fast=N and --ultra for the native CLI", async () => {
    const result = await runCodecBenchmark({
      codecs: ["zstd"],
      levels: { zstd: [-5, 22] },
      threads: [1],
      maxInputBytes: 1_000_000,
      outDir: join(outDir, "zstd-extremes"),
    });
    const ours = result.rows.filter((row) => row.backend === "zstd-napi");
    expect(ours.map((row) => row.level)).toEqual([-5, 22]);
    for (const row of ours) expect(row.verified).toBe(true);
    expect(ours[1]!.ratio).toBeGreaterThan(ours[0]!.ratio);
    const commands = result.rows.filter((row) => row.backend === "native:zstd").map((row) => row.command);
    if (commands.length > 0) expect(commands).toEqual(["zstd -q -c --fast=5 -T1", "zstd -q -c --ultra -22 -T1"]);
  });

  it("rejects a bandwidth of zero before measuring anything", async () => {
    await expect(
      runCodecBenchmark({
        transfer: { uploadBytesPerSecond: 0, downloadBytesPerSecond: 1, downloadsPerUpload: 1 },
        outDir: join(outDir, "never"),
      }),
    ).rejects.toMatchObject({ code: "INVALID_BANDWIDTH" });
  });

  it("rejects an unknown codec before measuring anything", async () => {
    await expect(runCodecBenchmark({ codecs: ["lz5"], outDir })).rejects.toMatchObject({ code: "UNKNOWN_CODEC" });
  });
});

describe("sample input and chart", () => {
  it("the built-in sample is deterministic and compressible but not trivial", () => {
    const a = generateSampleInput(100_000);
    expect(a.equals(generateSampleInput(100_000))).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(200);
  });

  it("the chart escapes labels and skips failed rows", () => {
    const svg = renderChartSvg([
      {
        codec: "x<y",
        backend: "b",
        level: 1,
        threads: 1,
        parallel: false,
        strategy: "single",
        chunkSize: null,
        inputBytes: 1,
        compressedBytes: 1,
        ratio: 2,
        compressMBps: 10,
        decompressMBps: 10,
        peakRssMiB: 1,
        verified: true,
      },
      {
        codec: "z",
        backend: "b",
        level: 1,
        threads: 1,
        parallel: false,
        strategy: "single",
        chunkSize: null,
        inputBytes: 1,
        compressedBytes: 1,
        ratio: 2,
        compressMBps: 10,
        decompressMBps: 10,
        peakRssMiB: 1,
        verified: false,
        error: "boom",
      },
    ]);
    expect(svg).toContain("x&#60;y");
    expect(svg.match(/<g class="point/g)).toHaveLength(2); // one per panel
  });
});
