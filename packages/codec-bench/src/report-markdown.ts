// Renders benchmark rows as a Markdown table (also what the terminal shows), sorted by codec, then level.

import type { BenchResult, BenchRow } from "./bench-result.js";

const fixed = (value: number | null, digits: number) =>
  value === null || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);

export function sortRows(rows: readonly BenchRow[]): BenchRow[] {
  return [...rows].sort(
    (a, b) =>
      a.codec.localeCompare(b.codec) ||
      a.level - b.level ||
      a.threads - b.threads ||
      a.backend.localeCompare(b.backend),
  );
}

export function renderMarkdownTable(rows: readonly BenchRow[]): string {
  const lines = [
    "| codec | backend | level | threads | mode | ratio | compress MB/s | decompress MB/s | peak RSS MiB | ok |",
    "|---|---|---:|---:|---|---:|---:|---:|---:|---|",
  ];
  for (const row of sortRows(rows)) {
    const mode = row.backend.startsWith("native:") ? "cli" : row.parallel ? `parallel/${row.strategy}` : "single";
    lines.push(
      `| ${row.codec} | ${row.backend} | ${row.level} | ${row.threads} | ${mode} | ${fixed(row.ratio, 3)} | ${fixed(row.compressMBps, 1)} | ${fixed(row.decompressMBps, 1)} | ${fixed(row.peakRssMiB, 0)} | ${row.error ? `error: ${row.error}` : row.verified ? "yes" : "NO"} |`,
    );
  }
  return lines.join("\n");
}

export function renderMarkdownReport(result: BenchResult): string {
  return [
    "# narwhal codec benchmark",
    "",
    `Started ${result.startedAt} on Node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.platform}).`,
    `Input: ${result.input.description}, ${(result.input.bytes / 1e6).toFixed(1)} MB. MB/s are of uncompressed bytes; ratio = input / compressed.`,
    "",
    renderMarkdownTable(result.rows),
    "",
  ].join("\n");
}
