// The SVG chart and the Markdown table: one marker per measured configuration on each panel (not `none`, not failed
// rows), labels only on the Pareto front and the recommended points and never on top of each other, a legend, and
// cache-supplied text escaped.

import { describe, expect, it } from "vitest";
import { renderChartSvg, renderMarkdownReport, renderMarkdownTable, type BenchRow } from "../src/index.js";
import { row, typicalRows } from "./bench-rows.js";

/** Many points crowded like a --full run: 5 codecs x many levels x 3 modes. */
function crowdedRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const [codec, levels, speed, ratio] of [
    ["zstd", 22, 400, 2.6],
    ["xz", 10, 12, 3.3],
    ["gzip", 9, 60, 2.4],
    ["bzip2", 9, 12, 2.8],
    ["br", 12, 120, 2.5],
  ] as const) {
    for (let level = 0; level < levels; level++) {
      const s = speed / (1 + level * 0.7);
      const r = ratio + level * 0.05;
      rows.push(row({ codec, level, ratio: r, compressMBps: s, decompressMBps: 300 - level }));
      rows.push(
        row({
          codec,
          level,
          ratio: r - 0.01,
          compressMBps: s * 1.8,
          decompressMBps: 290 - level,
          threads: 2,
          parallel: true,
          strategy: "chunks",
        }),
      );
      rows.push(
        row({
          codec,
          level,
          backend: `native:${codec}`,
          strategy: "cli",
          ratio: r,
          compressMBps: s * 1.1,
          decompressMBps: 500,
        }),
      );
    }
  }
  return rows;
}

function labels(svg: string): { x: number; y: number; text: string; row: number }[] {
  return [
    ...svg.matchAll(/<text class="label" data-row="(\d+)" x="([\d.-]+)" y="([\d.-]+)"[^>]*>([^<]*)<\/text>/g),
  ].map((m) => ({ row: Number(m[1]), x: Number(m[2]), y: Number(m[3]), text: m[4]! }));
}

describe("chart.svg", () => {
  it("draws one marker per measured configuration on each panel, and a legend", () => {
    const rows = [...typicalRows(), row({ codec: "gzip", level: 9, error: "boom", ratio: 0, compressMBps: 0 })];
    const svg = renderChartSvg(rows);
    const charted = rows.filter((r) => !r.error && r.codec !== "none").length;
    expect(svg.match(/<g class="point/g)).toHaveLength(2 * charted);
    expect(svg.match(/<g class="legend">/g)).toHaveLength(2);
    for (const codec of ["zstd", "xz", "gzip", "bzip2", "br"]) expect(svg).toContain(`>${codec}</text>`);
    expect(svg).toContain("compression=none (ratio 1) is in");
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });

  it("labels only front and recommended points, and no two labels overlap, even when crowded", () => {
    const rows = crowdedRows();
    const recommended = new Map([
      [3, 1],
      [40, 2],
    ]);
    const svg = renderChartSvg(rows, recommended);
    const panels = svg.split('<g transform="translate(').slice(1);
    expect(panels).toHaveLength(2);
    const onFront = new Set(
      [...svg.matchAll(/<g class="point on-front[^"]*" data-row="(\d+)"/g)].map((m) => Number(m[1])),
    );
    for (const panel of panels) {
      const placed = labels(panel);
      expect(placed.length).toBeGreaterThan(4);
      for (const label of placed) expect(onFront.has(label.row) || recommended.has(label.row)).toBe(true);
      expect(placed.filter((l) => l.text.startsWith("#1 ")).length).toBe(1);
      // Boxes at 6.4 px per character (an over-estimate at 11 px sans-serif); the browser test measures real ones.
      const boxes = placed.map((l) => [l.x, l.y - 10, l.x + l.text.length * 6.4, l.y + 3] as const);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
          expect(overlap, `${placed[i]!.text} / ${placed[j]!.text}`).toBe(false);
        }
    }
    // Native CLI rows are references: never on the front.
    for (const index of onFront) expect(rows[index]!.backend.startsWith("native:")).toBe(false);
  });

  it("escapes codec names and labels", () => {
    const svg = renderChartSvg([row({ codec: "x<y&", level: 1 }), row({ codec: "z", level: 1, error: "boom" })]);
    expect(svg).toContain("x&#60;y&#38;");
    expect(svg).not.toContain("x<y");
    expect(svg.match(/<g class="point/g)).toHaveLength(2);
  });
});

describe("Markdown", () => {
  it("marks the Pareto fronts and keeps a pipe in an error from breaking the table", () => {
    const rows = [...typicalRows(), row({ codec: "gzip", level: 9, error: "a | b", ratio: 0 })];
    const table = renderMarkdownTable(rows);
    expect(table).toMatch(/\| xz \| node-liblzma \| 6 \| 1 \| single \| 3\.800 .* \| C?D? ?\|/);
    expect(table).toContain("error: a   b");
    for (const line of table.split("\n")) expect(line.split("|").length).toBe(13);
    const report = renderMarkdownReport({
      startedAt: "2026-01-01T00:00:00Z",
      input: { description: "test", bytes: 1e6, items: ["a", "b"] },
      machine: { node: "v20", cpus: 2, platform: "linux x64" },
      rows,
      recommendation: {
        uploadBytesPerSecond: 12.5e6,
        downloadBytesPerSecond: 125e6,
        downloadsPerUpload: 10,
        best: [
          {
            row: 2,
            label: "zstd-19",
            storeUrlSettings: "compression=zstd&compression-level=19",
            pushSecondsPerGiB: 300,
            consumeSecondsPerGiB: 5,
            weightedSecondsPerGiB: 350,
          },
        ],
      },
    });
    expect(report).toContain("## Recommendation");
    expect(report).toContain("| 1 | zstd-19 | `?compression=zstd&compression-level=19` | 300 | 5.00 | 350 |");
    expect(report).toContain("upload 12.5 MB/s (100 Mbit/s)");
  });
});
