// The Markdown `pnpm fuzz` writes to bench-results/fuzz.md: per-parser input counts, outcomes, time, slowest input,
// peak RSS, and every finding with its shortest input.

import type { FuzzOptions, FuzzTargetResult } from "./run-target.js";

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export function formatFuzzReport(results: readonly FuzzTargetResult[], options: FuzzOptions, cores: number): string {
  const lines = [
    "# Parser fuzzing (`pnpm fuzz`)",
    "",
    `${options.runs.toLocaleString("en-US")} fast-check inputs per parser (FUZZ_RUNS), seed ${options.seed} (FUZZ_SEED), ${new Date().toISOString()}, Node ${process.version}, ${cores} cores.`,
    "Inputs: arbitrary bytes/strings plus structure-aware mutations (bit flips, truncations, deletions, duplications, swaps,",
    "format-token insertions) of valid inputs: NARs written by writeNar, narinfos, `.ls` listings from listNar, store URLs.",
    `Properties per input: returns, or throws the package's own typed error; under ${options.maxInputMilliseconds} ms; process RSS under ${mib(options.maxRssBytes)}.`,
    "Accepted NARs must also re-serialize through writeNar to their own bytes.",
    "",
    "| parser | inputs | accepted | refused (typed error) | findings | time | slowest input | peak RSS |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map(
      (result) =>
        `| ${result.name} | ${result.inputs.toLocaleString("en-US")} | ${result.accepted.toLocaleString("en-US")} | ${result.refused.toLocaleString("en-US")} | ${result.findings.length} | ${result.seconds.toFixed(1)} s | ${result.slowestInputMilliseconds.toFixed(1)} ms | ${mib(result.peakRssBytes)} |`,
    ),
    "",
  ];
  const findings = results.flatMap((result) => result.findings.map((finding) => ({ name: result.name, finding })));
  lines.push("## Findings", "");
  if (findings.length === 0) lines.push("None.", "");
  for (const { name, finding } of findings) {
    lines.push(
      `- **${name}**, ${finding.kind}, ${finding.occurrences} inputs: \`${finding.error}\``,
      `  shortest input (${finding.inputLength}): \`${finding.input}\``,
    );
  }
  return `${lines.join("\n")}\n`;
}
