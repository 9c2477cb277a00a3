// `narwhal bench codecs`: measure compression ratio and speed of every codec configuration on the user's own NARs
// (a local closure, a sample of a cache, files) or a built-in sample, with the native CLIs as the reference column;
// rank the configurations for given bandwidths; write JSON, Markdown, an SVG chart and an HTML report.
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import {
  CodecBenchError,
  type Corpus,
  cacheCorpus,
  closureCorpus,
  corpusOfInputs,
  formatDuration,
  parseBandwidth,
  renderMarkdownTable,
  renderRecommendation,
  runCodecBenchmark,
  type TransferModel,
} from "@narwhal/codec-bench";
import { listCodecs } from "@narwhal/codecs";
import { openLocalStore } from "@narwhal/local-store";
import { dumpPath } from "@narwhal/nar";
import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../usage-error.js";
import { ProgressLine } from "../progress-line.js";
import { openCacheForReading, TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";

export const benchCodecs: Command = {
  words: ["bench", "codecs"],
  summary: "benchmark compression codecs on your NARs (ratio, MB/s, memory) and recommend one for your bandwidth",
  usage:
    "bench codecs [--closure PATH | --from-cache URL [--sample N] [STOREPATH...] | --input PATH...] [--quick | --full]\n" +
    "             [--upload-bandwidth SPEED --download-bandwidth SPEED [--downloads-per-upload N]] [--out DIR] [--json]",
  description:
    "Measures every codec x level x threads configuration on a corpus of NARs, each run in its own process (so peak\n" +
    "memory is per run), and the native zstd, xz, gzip/pigz, bzip2 and brotli CLIs on the same input when installed.\n" +
    "The corpus is --closure PATH (the NARs of a local store path's closure), --from-cache URL (NARs of named store\n" +
    "paths, or a sample of N taken from the cache's listing, each verified by its narinfo's hashes and signatures),\n" +
    "--input PATH (files, directories or store paths, as NARs), or by default a built-in sample (narwhal's own\n" +
    "installed code and the Node.js binary). Items are concatenated up to --max-input bytes.\n" +
    "With --upload-bandwidth and --download-bandwidth (e.g. 100Mbit, 1Gbps, 50MB/s; b = bits, B = bytes), each\n" +
    "configuration's time to push (compress + upload) and to consume (download + decompress) a GiB of NAR is\n" +
    "computed, and the best few for push + N x consume (N = --downloads-per-upload) are printed and marked.\n" +
    "Writes results.json, results.md, chart.svg and report.html (one self-contained page) to --out.",
  options: {
    input: { type: "string", multiple: true },
    closure: { type: "string" },
    "from-cache": { type: "string" },
    sample: { type: "string" },
    ...TRUST_OPTIONS,
    quick: { type: "boolean" },
    full: { type: "boolean" },
    codecs: { type: "string" },
    levels: { type: "string" },
    threads: { type: "string" },
    "chunk-size": { type: "string" },
    backends: { type: "string" },
    "max-input": { type: "string" },
    "no-native": { type: "boolean" },
    "upload-bandwidth": { type: "string" },
    "download-bandwidth": { type: "string" },
    "downloads-per-upload": { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["--closure PATH", "measure the NARs of PATH's closure in the local Nix store (PATH may be a symlink to it)"],
    ["--from-cache URL", "measure NARs from a cache (s3://, file://, http(s)://): the STOREPATHs given, or a sample"],
    ["--sample N", "with --from-cache and no STOREPATH: how many paths to take from the listing (default 20)"],
    ...TRUST_HELP,
    ["--input PATH", "file, directory or store path to measure (repeatable)"],
    ["--quick", "a spread of levels per codec (minutes)"],
    ["--full", "every level of every codec, all thread counts (hours on slow codecs)"],
    ["--codecs LIST", "comma-separated codec names (default: the preset's)"],
    ["--levels LIST", "comma-separated levels tried on every codec where in range (default: the preset's)"],
    ["--threads LIST", "comma-separated thread counts; >1 means parallel compression (default 1,2)"],
    ["--chunk-size BYTES", "chunk size for chunked parallel compression (default 16 MiB)"],
    ["--backends WHICH", "'default', 'all' or a comma-separated list of backend ids (default: default)"],
    ["--max-input BYTES", "cap on input bytes (default 64000000)"],
    ["--no-native", "skip the native CLI reference column"],
    ["--upload-bandwidth SPEED", "your upload speed to the cache, e.g. 100Mbit or 12MB/s"],
    ["--download-bandwidth SPEED", "your consumers' download speed from the cache, e.g. 1Gbps"],
    ["--downloads-per-upload N", "how often each uploaded NAR is downloaded (default 1)"],
    ["--out DIR", "where to write results (default ./bench-results/codecs)"],
    ["--json", "print the results as JSON instead of a table"],
  ],
  arity: [0, Number.POSITIVE_INFINITY],
  async run(ctx) {
    const { options, stdout, stderr } = ctx;
    const known = listCodecs().map((c) => c.name);
    const codecs = list(options.codecs, "codecs");
    for (const c of codecs ?? []) {
      if (!known.includes(c))
        throw new UsageError(`bench codecs: --codecs names unknown codec '${c}'; valid: ${known.join(", ")}`);
    }
    if (options.quick && options.full) throw new UsageError("bench codecs: --quick and --full exclude each other");
    const transfer = transferModel(options);
    const backends =
      typeof options.backends === "string"
        ? options.backends === "all" || options.backends === "default"
          ? options.backends
          : options.backends.split(",")
        : "default";
    const chunkSize =
      options["chunk-size"] === undefined ? undefined : integer(options["chunk-size"] as string, "--chunk-size");
    const maxInputBytes =
      options["max-input"] === undefined ? 64_000_000 : integer(options["max-input"] as string, "--max-input");
    const corpus = await corpusFrom(ctx);
    const progress = new ProgressLine(stderr);
    const outDir = resolve((options.out as string | undefined) ?? "bench-results/codecs");
    const result = await runCodecBenchmark(
      {
        corpus,
        maxInputBytes,
        ...(codecs ? { codecs } : {}),
        ...(options.levels
          ? { levels: (list(options.levels, "levels") ?? []).map((l) => integer(l, "--levels")) }
          : {}),
        ...(options.threads
          ? { threads: (list(options.threads, "threads") ?? []).map((t) => integer(t, "--threads")) }
          : {}),
        ...(chunkSize === undefined ? {} : { chunkSize }),
        backends,
        includeNative: !options["no-native"],
        preset: options.full ? "full" : options.quick ? "quick" : "default",
        ...(transfer ? { transfer } : {}),
        outDir,
      },
      ({ done, total, label, elapsedSeconds, etaSeconds }) =>
        progress.update(
          `bench codecs [${done}/${total}] ${label}  ${formatDuration(elapsedSeconds)} elapsed${etaSeconds === undefined ? "" : `, ETA ${formatDuration(etaSeconds)}`}`,
        ),
    );
    progress.done();
    if (options.json) {
      stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    stdout.write(`${renderMarkdownTable(result.rows)}\n\n`);
    if (result.recommendation) stdout.write(`${renderRecommendation(result.recommendation)}\n\n`);
    stdout.write(`Results written to ${outDir}/ (results.json, results.md, chart.svg, report.html)\n`);
  },
};

/** The corpus the flags name: a closure, a cache's NARs, inputs, or the built-in sample. */
async function corpusFrom({ options, args, own }: CommandContext): Promise<Corpus> {
  const inputs = options.input as string[] | undefined;
  const closure = options.closure as string | undefined;
  const cacheUrl = options["from-cache"] as string | undefined;
  const chosen = [inputs && "--input", closure !== undefined && "--closure", cacheUrl !== undefined && "--from-cache"];
  if (chosen.filter(Boolean).length > 1)
    throw new UsageError(`bench codecs: ${chosen.filter(Boolean).join(" and ")} exclude each other; choose one corpus`);
  if (cacheUrl === undefined && options.sample !== undefined)
    throw new UsageError("bench codecs: --sample only applies to --from-cache");
  if (cacheUrl === undefined && args.length > 0)
    throw new UsageError(`bench codecs: store path arguments (${args[0]}) only apply to --from-cache`);
  if (cacheUrl !== undefined) {
    if (cacheUrl === "") throw new UsageError("bench codecs: --from-cache needs a cache URL");
    if (options.sample !== undefined && args.length > 0)
      throw new UsageError("bench codecs: give either store paths or --sample N with --from-cache, not both");
    const sample = options.sample === undefined ? 20 : integer(options.sample as string, "--sample");
    if (sample < 1) throw new UsageError(`bench codecs: --sample value '${sample}' must be at least 1`);
    const store = own(await openCacheForReading(cacheUrl, options));
    return cacheCorpus(store, args.length > 0 ? { paths: args } : { sample });
  }
  if (closure !== undefined) {
    const local = openLocalStore();
    own({ close: async () => local.close() });
    return closureCorpus(local, closure);
  }
  const paths = inputs ?? builtInSample();
  for (const input of paths) {
    if (!existsSync(input)) throw new UsageError(`bench codecs: --input '${input}' does not exist`);
  }
  const corpus = corpusOfInputs(paths, (input) => (statSync(input).isFile() ? fileChunks(input) : dumpPath(input)));
  return inputs ? corpus : { ...corpus, description: `built-in sample (NARs of ${paths.join(", ")})` };
}

/** The bandwidth flags as a transfer model, or undefined when none is given; a usage error names a bad one. */
function transferModel(options: CommandContext["options"]): TransferModel | undefined {
  const up = options["upload-bandwidth"] as string | undefined;
  const down = options["download-bandwidth"] as string | undefined;
  const per = options["downloads-per-upload"] as string | undefined;
  if (up === undefined && down === undefined && per === undefined) return undefined;
  if (up === undefined || down === undefined)
    throw new UsageError(
      "bench codecs: a recommendation needs both --upload-bandwidth and --download-bandwidth (e.g. 100Mbit, 50MB/s)",
    );
  const speed = (text: string, flag: string) => {
    try {
      return parseBandwidth(text, flag);
    } catch (error) {
      if (error instanceof CodecBenchError) throw new UsageError(`bench codecs: ${error.message}`);
      throw error;
    }
  };
  if (per !== undefined && !/^(\d+(\.\d+)?|\.\d+)$/.test(per))
    throw new UsageError(`bench codecs: --downloads-per-upload value '${per}' is not a number >= 0`);
  return {
    uploadBytesPerSecond: speed(up, "--upload-bandwidth"),
    downloadBytesPerSecond: speed(down, "--download-bandwidth"),
    downloadsPerUpload: per === undefined ? 1 : Number(per),
  };
}

function list(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = String(value)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`bench codecs: --${name} is empty`);
  return items;
}

function integer(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`bench codecs: ${flag} value '${text}' is not an integer`);
  return Number(text);
}

async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  const { createReadStream } = await import("node:fs");
  yield* createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
}

/** Real files that exist wherever narwhal runs: its own installed packages and the Node.js binary. */
function builtInSample(): string[] {
  const cliRoot = dirname(createRequire(import.meta.url).resolve("@narwhal/cli/package.json"));
  const candidates = [
    join(cliRoot, "..", "..", "node_modules", ".pnpm"),
    join(cliRoot, "node_modules"),
    process.execPath,
  ];
  return candidates.filter((p) => existsSync(p));
}
