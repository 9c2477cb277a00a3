// `pnpm --filter @narwhal/codec-bench bench`: the target measurement. Registry zstd-3 / xz-6 (parallel,
// 2 threads) and each codec single-threaded against the native CLIs on the same input in the same run.

import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCodecBenchmark } from "./run-benchmark.js";
import { renderMarkdownTable } from "./report-markdown.js";
import { compareWithNative, renderTargetReport } from "./targets.js";

const outDir = process.argv[2] ?? join(process.cwd(), "bench-results", "codecs");
const systemLibraries = "/usr/lib/x86_64-linux-gnu";
const inputs = existsSync(systemLibraries) ? [systemLibraries] : [];

const result = await runCodecBenchmark(
  {
    inputs,
    maxInputBytes: 32 * 1024 * 1024,
    codecs: ["zstd", "xz", "gzip", "bzip2", "br"],
    levels: { zstd: [3], xz: [6], gzip: [6], bzip2: [9], br: [6] },
    threads: [1, 2],
    backends: "all",
    outDir,
  },
  ({ done, total, label }) => process.stderr.write(`[${done}/${total}] ${label}\n`),
);
const checks = compareWithNative(result.rows);
const targets = renderTargetReport(checks);
await writeFile(join(outDir, "targets.md"), `# Targets (ours / native, same input, same run)\n\n${targets}\n`);
process.stdout.write(`${renderMarkdownTable(result.rows)}\n\n${targets}\n\nWritten to ${outDir}\n`);
