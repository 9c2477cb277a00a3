// Renders benchmark rows as a Markdown table (also what the terminal shows), sorted by codec, then level, with
// which rows are on the Pareto fronts; and results.md, which adds the input, the machine and the recommendation.

import type { BenchResult, BenchRow, RecommendationSummary } from "./bench-result.js";
import { formatBandwidth } from "./bandwidth.js";
import { frontOf } from "./scatter-chart.js";

const fixed = (value: number | null, digits: number) =>
  value === null || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);

const ordering = (a: BenchRow, b: BenchRow) =>
  a.codec.localeCompare(b.codec) ||
  a.level - b.level ||
  a.threads - b.threads ||
  a.backend.localeCompare(b.backend) ||
  a.strategy.localeCompare(b.strategy);

export function sortRows(rows: readonly BenchRow[]): BenchRow[] {
  return [...rows].sort(ordering);
}

export function renderMarkdownTable(rows: readonly BenchRow[]): string {
  const compressFront = frontOf(rows, "compress");
  const decompressFront = frontOf(rows, "decompress");
  const lines = [
    "| codec | backend | level | threads | mode | ratio | compress MB/s | decompress MB/s | peak RSS MiB | front | ok |",
    "|---|---|---:|---:|---|---:|---:|---:|---:|---|---|",
  ];
  const indexed = rows.map((row, index) => ({ row, index })).sort((a, b) => ordering(a.row, b.row));
  for (const { row, index } of indexed) {
    const mode = row.backend.startsWith("native:") ? "cli" : row.parallel ? `parallel/${row.strategy}` : "single";
    const front = `${compressFront.has(index) ? "C" : ""}${decompressFront.has(index) ? "D" : ""}`;
    lines.push(
      `| ${row.codec} | ${row.backend} | ${row.level} | ${row.threads} | ${mode} | ${fixed(row.ratio, 3)} | ${fixed(row.compressMBps, 1)} | ${fixed(row.decompressMBps, 1)} | ${fixed(row.peakRssMiB, 0)} | ${front} | ${row.error ? `error: ${row.error.replace(/[|\n\r]/g, " ")}` : row.verified ? "yes" : "NO"} |`,
    );
  }
  return lines.join("\n");
}

const seconds = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

export function renderRecommendation(recommendation: RecommendationSummary): string {
  const lines = [
    `For upload ${formatBandwidth(recommendation.uploadBytesPerSecond)}, download ${formatBandwidth(recommendation.downloadBytesPerSecond)} and ${recommendation.downloadsPerUpload} download(s) per upload (per GiB of NAR; push = compress + upload, consume = download + decompress, ranked by push + ${recommendation.downloadsPerUpload} x consume):`,
    "",
    "| # | configuration | store URL settings | push s/GiB | consume s/GiB | weighted s/GiB |",
    "|---:|---|---|---:|---:|---:|",
  ];
  recommendation.best.forEach((best, i) => {
    lines.push(
      `| ${i + 1} | ${best.label} | \`?${best.storeUrlSettings}\` | ${seconds(best.pushSecondsPerGiB)} | ${seconds(best.consumeSecondsPerGiB)} | ${seconds(best.weightedSecondsPerGiB)} |`,
    );
  });
  if (recommendation.best.length === 0)
    lines.push("| | no measured configuration is selectable by a store URL | | | | |");
  return lines.join("\n");
}

export function renderMarkdownReport(result: BenchResult): string {
  return [
    "# narwhal codec benchmark",
    "",
    `Started ${result.startedAt} on Node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.platform}).`,
    `Input: ${result.input.description}, ${(result.input.bytes / 1e6).toFixed(1)} MB${result.input.items ? ` in ${result.input.items.length} item(s)` : ""}. MB/s are of uncompressed bytes; ratio = input / compressed. front: C / D = on the Pareto front of ratio vs compress / decompress speed (narwhal's rows).`,
    "",
    ...(result.recommendation ? ["## Recommendation", "", renderRecommendation(result.recommendation), ""] : []),
    "## Every configuration",
    "",
    renderMarkdownTable(result.rows),
    "",
  ].join("\n");
}
