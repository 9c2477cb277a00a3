// Public API of @narwhal/codec-bench: runCodecBenchmark() (what `narwhal bench codecs` calls), the target
// comparison against the native CLIs, and the renderers for the terminal table, Markdown and SVG chart.

export { runCodecBenchmark, type BenchProgress, type CodecBenchmarkOptions } from "./run-benchmark.js";
export type { BenchResult, BenchRow } from "./bench-result.js";
export { generateSampleInput, readFilesAndDirectories, type InputReader } from "./bench-input.js";
export { renderMarkdownReport, renderMarkdownTable } from "./report-markdown.js";
export { renderChartSvg } from "./report-chart.js";
export { compareWithNative, renderTargetReport, type TargetCheck } from "./targets.js";
