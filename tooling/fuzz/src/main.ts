// `pnpm fuzz`: fuzz every target for FUZZ_RUNS inputs (default 1,000,000), print counts and times, write
// bench-results/fuzz.md, and exit 1 when anything but a typed refusal, a hang or a memory overrun was found.

import { writeFile, mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { createAllTargets } from "./all-targets.js";
import { formatFuzzReport } from "./fuzz-report.js";
import { DEFAULT_FUZZ_OPTIONS, runFuzzTarget, type FuzzOptions, type FuzzTargetResult } from "./run-target.js";

const REPORT = fileURLToPath(new URL("../../../bench-results/fuzz.md", import.meta.url));

function integerFromEnvironment(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

const options: FuzzOptions = {
  ...DEFAULT_FUZZ_OPTIONS,
  runs: integerFromEnvironment("FUZZ_RUNS", 1_000_000),
  seed: integerFromEnvironment("FUZZ_SEED", 20_261_126),
};
const only = process.env.FUZZ_TARGETS?.split(",")
  .map((name) => name.trim().toLowerCase())
  .filter(Boolean);

const results: FuzzTargetResult[] = [];
for (const target of await createAllTargets()) {
  if (only !== undefined && !only.some((name) => target.name.toLowerCase().includes(name))) continue;
  process.stdout.write(`${target.name}: ${options.runs.toLocaleString("en-US")} inputs...`);
  const result = await runFuzzTarget(target, options);
  results.push(result);
  process.stdout.write(
    ` ${result.inputs.toLocaleString("en-US")} run in ${result.seconds.toFixed(1)} s (${result.accepted} accepted, ${result.refused} refused, slowest ${result.slowestInputMilliseconds.toFixed(1)} ms, peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MiB), ${result.findings.length} findings\n`,
  );
  for (const finding of result.findings)
    process.stdout.write(`  ${finding.kind} x${finding.occurrences}: ${finding.error}\n    input: ${finding.input}\n`);
}

if (only === undefined) {
  await mkdir(dirname(REPORT), { recursive: true });
  await writeFile(REPORT, formatFuzzReport(results, options, availableParallelism()));
  process.stdout.write(`wrote ${REPORT}\n`);
}
process.exitCode = results.some((result) => result.findings.length > 0) ? 1 : 0;
