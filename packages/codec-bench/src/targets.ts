// The issue's speed targets: each registry configuration's compress speed as a ratio of the native CLI's
// at the same codec, level and thread count in the same run (target >= 0.9).

import type { BenchRow } from "./bench-result.js";

export interface TargetCheck {
  readonly label: string;
  readonly ours: BenchRow;
  readonly native: BenchRow;
  /** Our compress MB/s divided by the native CLI's. */
  readonly speedRatio: number;
  /** Our compression ratio divided by the native CLI's. */
  readonly sizeRatio: number;
  readonly meetsTarget: boolean;
}

export function compareWithNative(rows: readonly BenchRow[], target = 0.9): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const natives = rows.filter((row) => row.backend.startsWith("native:") && !row.error);
  for (const native of natives) {
    const candidates = rows.filter(
      (row) =>
        !row.backend.startsWith("native:") &&
        !row.error &&
        row.codec === native.codec &&
        row.level === native.level &&
        row.threads === native.threads,
    );
    const best = candidates.sort((a, b) => b.compressMBps - a.compressMBps)[0];
    if (!best) continue;
    const speedRatio = best.compressMBps / native.compressMBps;
    checks.push({
      label: `${native.codec}-${native.level} T${native.threads}: ${best.backend}${best.parallel ? ` (${best.strategy})` : ""} vs ${native.command ?? native.backend}`,
      ours: best,
      native,
      speedRatio,
      sizeRatio: best.ratio / native.ratio,
      meetsTarget: speedRatio >= target,
    });
  }
  return checks;
}

export function renderTargetReport(checks: readonly TargetCheck[]): string {
  const lines = [
    "| configuration | ours MB/s | native MB/s | speed ours/native | ratio ours/native | >= 0.9 |",
    "|---|---:|---:|---:|---:|---|",
  ];
  for (const check of checks) {
    lines.push(
      `| ${check.label} | ${check.ours.compressMBps.toFixed(1)} | ${check.native.compressMBps.toFixed(1)} | ${check.speedRatio.toFixed(2)} | ${check.sizeRatio.toFixed(3)} | ${check.meetsTarget ? "yes" : "NO"} |`,
    );
  }
  return lines.join("\n");
}
