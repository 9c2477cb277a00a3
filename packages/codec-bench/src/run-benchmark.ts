// runCodecBenchmark(): measures every codec x level x threads x backend configuration (each in its own child
// process, so peak RSS is per run) plus the native CLI reference, then writes results.json, results.md and
// chart.svg to the output directory.

import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, platform } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getCodec, listCodecs, resolveLevel, type ParallelStrategy } from "@narwhal/codecs";
import { collectInput, type InputReader } from "./bench-input.js";
import { MB, type BenchResult, type BenchRow } from "./bench-result.js";
import type { ChildResult, ChildTask } from "./measure-child.js";
import { measureNative, nativeCommandFor } from "./native-reference.js";
import { renderChartSvg } from "./report-chart.js";
import { renderMarkdownReport } from "./report-markdown.js";

export interface CodecBenchmarkOptions {
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
  readonly outDir: string;
}

export type BenchProgress = { readonly done: number; readonly total: number; readonly label: string };

const DEFAULT_LEVELS: Record<string, number[]> = {
  zstd: [1, 3, 9],
  xz: [0, 6],
  gzip: [1, 6],
  bzip2: [9],
  br: [4, 6],
  none: [0],
};

interface Plan {
  readonly label: string;
  run(inputFile: string, scratch: string, inputBytes: number): Promise<BenchRow>;
}

function levelsFor(codec: string, levels: CodecBenchmarkOptions["levels"]): number[] {
  const codecInfo = getCodec(codec);
  const wanted = Array.isArray(levels)
    ? levels
    : ((levels as Record<string, number[]> | undefined)?.[codec] ?? DEFAULT_LEVELS[codec] ?? [-1]);
  return [
    ...new Set(
      wanted
        .filter((level) => level === -1 || (level >= codecInfo.levels.min && level <= codecInfo.levels.max))
        .map((level) => resolveLevel(codecInfo, level)),
    ),
  ];
}

function childEntry(): string {
  const url = new URL("./measure-child.js", import.meta.url);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : path.replace(/\/src\/(?!.*\/src\/)/, "/dist/");
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
  const codecs = options.codecs ?? ["zstd", "xz", "gzip", "bzip2", "br"];
  const threadCounts = options.threads ?? [1, Math.min(2, availableParallelism())];
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
    for (const level of levelsFor(codec, options.levels)) {
      for (const threads of [...new Set(threadCounts)]) {
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
  await mkdir(options.outDir, { recursive: true });
  const plans = plan(options);
  const input = await collectInput(options.inputs ?? [], options.readInput, options.maxInputBytes ?? 64 * MB);
  const inputFile = join(options.outDir, ".bench-input.bin");
  const scratch = join(options.outDir, ".bench-scratch.bin");
  await writeFile(inputFile, input.bytes);
  const rows: BenchRow[] = [];
  const startedAt = new Date().toISOString();
  try {
    for (const [index, step] of plans.entries()) {
      onProgress({ done: index, total: plans.length, label: step.label });
      rows.push(await step.run(inputFile, scratch, input.bytes.length));
    }
    onProgress({ done: plans.length, total: plans.length, label: "done" });
  } finally {
    await rm(inputFile, { force: true });
    await rm(scratch, { force: true });
  }
  const result: BenchResult = {
    startedAt,
    input: { description: input.description, bytes: input.bytes.length },
    machine: { node: process.version, cpus: cpus().length, platform: `${platform()} ${process.arch}` },
    rows,
  };
  await writeFile(join(options.outDir, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(options.outDir, "results.md"), renderMarkdownReport(result));
  await writeFile(join(options.outDir, "chart.svg"), renderChartSvg(rows));
  return result;
}
