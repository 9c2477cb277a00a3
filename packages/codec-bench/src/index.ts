// Public API of @narwhal/codec-bench: runCodecBenchmark() (what `narwhal bench codecs` calls) with its presets and
// corpora (the user's NARs: a cache's, a local closure's), the recommendation for given bandwidths, the target
// comparison against the native CLIs, and the renderers for the terminal table, Markdown, SVG chart and HTML report.

export {
  runCodecBenchmark,
  writeReports,
  type BenchProgress,
  type CodecBenchmarkOptions,
} from "./run-benchmark.js";
export type { BenchResult, BenchRow, RecommendationSummary, RecommendedConfiguration } from "./bench-result.js";
export { CodecBenchError, type CodecBenchErrorCode } from "./bench-error.js";
export { benchPreset, type BenchPreset, type PresetName } from "./bench-presets.js";
export {
  corpusOfInputs,
  generateSampleInput,
  readFilesAndDirectories,
  sampleCorpus,
  writeCorpus,
  type Corpus,
  type CorpusItem,
  type InputReader,
  type WrittenCorpus,
} from "./bench-input.js";
export { cacheCorpus, sampleHashParts, type CacheCorpusOptions } from "./cache-corpus.js";
export { closureCorpus, storePathOf } from "./closure-corpus.js";
export { formatBandwidth, parseBandwidth } from "./bandwidth.js";
export {
  costOf,
  rankConfigurations,
  recommend,
  storeUrlSettingsFor,
  type ConfigurationCost,
  type TransferModel,
} from "./recommendation.js";
export { paretoFront } from "./pareto.js";
export { formatDuration } from "./progress-eta.js";
export { renderMarkdownReport, renderMarkdownTable, renderRecommendation } from "./report-markdown.js";
export { renderChartSvg } from "./report-chart.js";
export { renderHtmlReport } from "./report-html.js";
export { compareWithNative, renderTargetReport, type TargetCheck } from "./targets.js";
