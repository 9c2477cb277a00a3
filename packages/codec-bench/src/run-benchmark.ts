// runCodecBenchmark(): measures every codec x level x threads x backend configuration (each in its own child
// process, so peak RSS is per run) plus the native CLI reference, ranks them for the given bandwidths when asked,
// then writes results.json, results.md, chart.svg and report.html to the output directory.

import { fork } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, platform } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getCodec, listCodecs, resolveLevel, type ParallelStrategy } from "@narwhal/codecs";
import { type Corpus, corpusOfInputs, type InputReader, sampleCorpus, writeCorpus } from "./bench-input.js";
import { benchPreset, type PresetName } from "./bench-presets.js";
import { compiledModuleUrl } from "./package-files.js";
import { MB, type BenchResult, type BenchRow, type RecommendationSummary } from "./bench-result.js";
import { pointLabel } from "./point-style.js";
import { RunClock, stepWeight } from "./progress-eta.js";
import { checkTransferModel, recommend, type TransferModel } from "./recommendation.js";
import { renderHtmlReport } from "./report-html.js";
import type { ChildResult, ChildTask } from "./measure-child.js";
import { measureNative, nativeCommandFor } from "./native-reference.js";
import { renderChartSvg } from "./report-chart.js";
import { renderMarkdownReport } from "./report-markdown.js";

export interface CodecBenchmarkOptions {
  /** What to measure (a closure's or a cache's NARs, ...); wins over `inputs`. */
  readonly corpus?: Corpus;
  /** Files or directories (read as a concatenation), or anything `readInput` understands (e.g. store paths). */
  readonly inputs?: readonly string[];
  /** Turns one input into bytes (the CLI passes NAR dumps); default: read files and directories. */
  readonly readInput?: InputReader;
  /** Cap on input bytes (default 64 MB). */
  readonly maxInputBytes?: number;
  readonly codecs?: readonly string[];
  /** Levels per codec, or one list tried on every codec where it is in range. */
  readonly levels?: Readonly<Record<string, readonly number[]>> | readonly number[];
  /** Thread counts; 1 = single stream, >1 = parallel compression. */
  readonly threads?: readonly number[];
  readonly chunkSize?: number;
  /** "default" (each method's default backend), "all", or explicit backend ids. */
  readonly backends?: "default" | "all" | readonly string[];
  /** Strategies measured for threads > 1 (default: auto, plus chunks where the codec also has native threads). */
  readonly strategies?: readonly ParallelStrategy[];
  /** Measure the native CLIs as the reference column (default true). */
  readonly includeNative?: boolean;
  /** Which codecs, levels and threads when those options are not given (default: "default", a handful). */
  readonly preset?: PresetName;
  /** Bandwidths and downloads per upload: rank the configurations and mark the best on the charts. */
  readonly transfer?: TransferModel;
  /** How many configurations to recommend (default 3). */
  readonly recommendCount?: number;
  readonly outDir: string;
}

export type BenchProgress = {
  readonly done: number;
  readonly total: number;
  readonly label: string;
  readonly elapsedSeconds: number;
  /** Estimated seconds left; undefined until the first configuration finished. */
  readonly etaSeconds: number | undefined;
};

interface Plan {
  readonly label: string;
  /** Prior cost, for the ETA. */
  readonly weight: number;
  run(inputFile: string, scratch: string, inputBytes: number): Promise<BenchRow>;
}

function levelsFor(
  codec: string,
  levels: CodecBenchmarkOptions["levels"],
  presetLevels: Readonly<Record<string, readonly number[]>>,
): number[] {
  const codecInfo = getCodec(codec);
  const wanted = Array.isArray(levels)
    ? levels
    : ((levels as Record<string, number[]> | undefined)?.[codec] ?? presetLevels[codec] ?? [-1]);
  return [
    ...new Set(
      wanted
        .filter((level) => level === -1 || (level >= codecInfo.levels.min && level <= codecInfo.levels.max))
        .map((level) => resolveLevel(codecInfo, level)),
    ),
  ];
}

function childEntry(): string {
  return fileURLToPath(compiledModuleUrl("measure-child.js"));
}

function runChild(task: ChildTask): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(childEntry(), [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] });
    let settled = false;
    child.once("message", (message) => {
      settled = true;
      resolve(message as ChildResult);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (!settled) reject(new Error(`benchmark child exited with code ${String(code)} before reporting`));
    });
    child.send(task);
  });
}

function registryPlan(
  codec: string,
  backend: string,
  level: number,
  threads: number,
  strategy: ParallelStrategy,
  chunkSize: number | undefined,
): Plan {
  const parallel = threads > 1;
  const label = `${codec}-${level} ${backend} T${threads}${parallel ? ` ${strategy}` : ""}`;
  return {
    label,
    weight: stepWeight(codec, level, parallel ? threads : 1),
    async run(inputFile, _scratch, inputBytes) {
      const result = await runChild({
        inputFile,
        codec,
        backend,
        options: { level, threads, parallel, strategy, chunkSize },
      });
      return {
        codec,
        backend,
        level,
        threads,
        parallel,
        strategy: parallel ? strategy : "single",
        chunkSize: parallel && strategy !== "native" ? (chunkSize ?? 16 * 1024 * 1024) : null,
        inputBytes,
        compressedBytes: result.compressedBytes ?? 0,
        ratio: result.compressedBytes ? inputBytes / result.compressedBytes : 0,
        compressMBps: result.compressSeconds ? inputBytes / MB / result.compressSeconds : 0,
        decompressMBps: result.decompressSeconds ? inputBytes / MB / result.decompressSeconds : 0,
        peakRssMiB: result.peakRssBytes ? result.peakRssBytes / 2 ** 20 : null,
        verified: result.verified ?? false,
        ...(result.error ? { error: result.error } : {}),
      };
    },
  };
}

function nativePlan(codec: string, level: number, threads: number): Plan | undefined {
  const command = nativeCommandFor(codec, level, threads);
  if (!command) return undefined;
  return {
    label: `${codec}-${level} native ${command.tool} T${threads}`,
    weight: stepWeight(codec, level, threads) / 2,
    async run(inputFile, scratch, inputBytes) {
      const base = {
        codec,
        backend: `native:${command.tool}`,
        level,
        threads,
        parallel: threads > 1,
        strategy: "cli",
        chunkSize: null,
        inputBytes,
      };
      try {
        const m = measureNative(command, inputFile, scratch);
        return {
          ...base,
          command: m.command,
          compressedBytes: m.compressedBytes,
          ratio: inputBytes / m.compressedBytes,
          compressMBps: inputBytes / MB / m.compressSeconds,
          decompressMBps: inputBytes / MB / m.decompressSeconds,
          peakRssMiB: m.peakRssBytes === null ? null : m.peakRssBytes / 2 ** 20,
          verified: true,
        };
      } catch (error) {
        return {
          ...base,
          compressedBytes: 0,
          ratio: 0,
          compressMBps: 0,
          decompressMBps: 0,
          peakRssMiB: null,
          verified: false,
          error: String(error),
        };
      }
    },
  };
}

function plan(options: CodecBenchmarkOptions): Plan[] {
  const preset = benchPreset(options.preset ?? "default");
  const codecs = options.codecs ?? preset.codecs;
  const threadCounts = options.threads ?? preset.threads;
  const plans: Plan[] = [];
  for (const codec of codecs) {
    const method = listCodecs().find((entry) => entry.name === codec);
    if (!method) getCodec(codec); // throws UNKNOWN_CODEC naming the valid ones
    const backends = (method?.backends ?? []).filter((b) =>
      options.backends === "all"
        ? true
        : Array.isArray(options.backends)
          ? options.backends.includes(b.backend)
          : b.backend === method?.defaultBackend,
    );
    for (const level of levelsFor(codec, options.levels, preset.levels)) {
      for (const threads of [...new Set(threadCounts)]) {
        if (codec === "none" && threads > 1) continue; // nothing to parallelise
        for (const backend of backends) {
          if (threads > 1 && !backend.concatenable) continue;
          const strategies: ParallelStrategy[] =
            threads === 1
              ? ["auto"]
              : [...(options.strategies ?? (backend.nativeThreads ? ["native", "chunks"] : ["chunks"]))];
          for (const strategy of strategies) {
            if (strategy === "native" && !backend.nativeThreads) continue;
            plans.push(registryPlan(codec, backend.backend, level, threads, strategy, options.chunkSize));
          }
        }
        if (options.includeNative ?? true) {
          const native = nativePlan(codec, level, threads);
          if (native && (threads === 1 || codec !== "br")) plans.push(native);
        }
      }
    }
  }
  return plans;
}

export async function runCodecBenchmark(
  options: CodecBenchmarkOptions,
  onProgress: (progress: BenchProgress) => void = () => undefined,
): Promise<BenchResult> {
  if (options.transfer) checkTransferModel(options.transfer);
  const plans = plan(options);
  await mkdir(options.outDir, { recursive: true });
  const maxInputBytes = options.maxInputBytes ?? 64 * MB;
  const corpus =
    options.corpus ??
    (options.inputs && options.inputs.length > 0
      ? corpusOfInputs(options.inputs, options.readInput)
      : sampleCorpus(Math.min(maxInputBytes, 24 * 1024 * 1024)));
  const inputFile = join(options.outDir, ".bench-input.bin");
  const scratch = join(options.outDir, ".bench-scratch.bin");
  const rows: BenchRow[] = [];
  const startedAt = new Date().toISOString();
  let input: Awaited<ReturnType<typeof writeCorpus>>;
  try {
    input = await writeCorpus(corpus, inputFile, maxInputBytes);
    const clock = new RunClock(plans.map((step) => step.weight));
    for (const [index, step] of plans.entries()) {
      onProgress({
        done: index,
        total: plans.length,
        label: step.label,
        elapsedSeconds: clock.elapsedSeconds(),
        etaSeconds: clock.etaSeconds(index),
      });
      rows.push(await step.run(inputFile, scratch, input.bytes));
      clock.finished(index);
    }
    onProgress({
      done: plans.length,
      total: plans.length,
      label: "done",
      elapsedSeconds: clock.elapsedSeconds(),
      etaSeconds: 0,
    });
  } finally {
    await rm(inputFile, { force: true });
    await rm(scratch, { force: true });
  }
  const machine = { node: process.version, cpus: cpus().length, platform: `${platform()} ${process.arch}` };
  const recommendation = options.transfer
    ? summarise(rows, options.transfer, machine.cpus, options.recommendCount ?? 3)
    : undefined;
  const result: BenchResult = {
    startedAt,
    input: { description: input.description, bytes: input.bytes, items: input.items },
    machine,
    rows,
    ...(recommendation ? { recommendation } : {}),
  };
  await writeReports(result, options.outDir);
  return result;
}

function summarise(rows: BenchRow[], model: TransferModel, cpus: number, count: number): RecommendationSummary {
  return {
    uploadBytesPerSecond: model.uploadBytesPerSecond,
    downloadBytesPerSecond: model.downloadBytesPerSecond,
    downloadsPerUpload: model.downloadsPerUpload,
    best: recommend(rows, model, cpus, count).map((cost) => ({
      row: rows.indexOf(cost.row),
      label: pointLabel(cost.row),
      storeUrlSettings: cost.storeUrlSettings!,
      pushSecondsPerGiB: cost.pushSecondsPerGiB,
      consumeSecondsPerGiB: cost.consumeSecondsPerGiB,
      weightedSecondsPerGiB: cost.weightedSecondsPerGiB,
    })),
  };
}

/** Writes results.json, results.md, chart.svg and report.html for a result (also for one read back from JSON). */
export async function writeReports(result: BenchResult, outDir: string): Promise<void> {
  const recommended = new Map((result.recommendation?.best ?? []).map((best, i) => [best.row, i + 1]));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, "results.md"), renderMarkdownReport(result));
  await writeFile(join(outDir, "chart.svg"), renderChartSvg(result.rows, recommended));
  await writeFile(join(outDir, "report.html"), renderHtmlReport(result));
}
