// `narwhal bench codecs`: measure compression ratio and speed of every codec configuration on real NARs, with the
// native CLIs as the reference column; writes JSON, Markdown and an SVG chart and prints a table.
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderMarkdownTable, runCodecBenchmark } from "@narwhal/codec-bench";
import { listCodecs } from "@narwhal/codecs";
import { dumpPath } from "@narwhal/nar";
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";
import { ProgressLine } from "../progress-line.js";

export const benchCodecs: Command = {
  words: ["bench", "codecs"],
  summary: "benchmark compression codecs on NARs (ratio, MB/s, memory) against the native CLIs",
  usage:
    "bench codecs [--input PATH]... [--codecs LIST] [--levels LIST] [--threads LIST] [--chunk-size BYTES] [--out DIR] [--json]",
  description:
    "Each --input (a file, a directory or a store path) is measured as its NAR serialisation; files are read as they\n" +
    "are. Without --input, NARs of a built-in sample (narwhal's own installed code and the Node.js binary) are used.\n" +
    "Every codec x level x threads x backend runs in its own process (so peak memory is per run), and the native\n" +
    "zstd, xz, gzip/pigz, bzip2 and brotli CLIs are measured on the same input when installed.\n" +
    "Writes results.json, results.md and chart.svg (ratio vs speed) to --out.",
  options: {
    input: { type: "string", multiple: true },
    codecs: { type: "string" },
    levels: { type: "string" },
    threads: { type: "string" },
    "chunk-size": { type: "string" },
    backends: { type: "string" },
    "max-input": { type: "string" },
    "no-native": { type: "boolean" },
    out: { type: "string" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["--input PATH", "file, directory or store path to measure (repeatable)"],
    ["--codecs LIST", "comma-separated codec names (default: all registered)"],
    ["--levels LIST", "comma-separated levels tried on every codec where in range (default: a few per codec)"],
    ["--threads LIST", "comma-separated thread counts; >1 means parallel compression (default 1,2)"],
    ["--chunk-size BYTES", "chunk size for chunked parallel compression (default 16 MiB)"],
    ["--backends WHICH", "'default', 'all' or a comma-separated list of backend ids (default: default)"],
    ["--max-input BYTES", "cap on input bytes (default 64000000)"],
    ["--no-native", "skip the native CLI reference column"],
    ["--out DIR", "where to write results (default ./bench-results/codecs)"],
    ["--json", "print the results as JSON instead of a table"],
  ],
  arity: [0, 0],
  async run({ options, stdout, stderr }) {
    const known = listCodecs().map((c) => c.name);
    const codecs = list(options.codecs, "codecs");
    for (const c of codecs ?? []) {
      if (!known.includes(c))
        throw new UsageError(`bench codecs: --codecs names unknown codec '${c}'; valid: ${known.join(", ")}`);
    }
    const inputs = (options.input as string[] | undefined) ?? builtInSample();
    for (const input of inputs) {
      if (!existsSync(input)) throw new Error(`bench codecs: input '${input}' does not exist`);
    }
    const backends =
      typeof options.backends === "string"
        ? options.backends === "all" || options.backends === "default"
          ? options.backends
          : options.backends.split(",")
        : "default";
    const chunkSize =
      options["chunk-size"] === undefined ? undefined : integer(options["chunk-size"] as string, "--chunk-size");
    const progress = new ProgressLine(stderr);
    const outDir = resolve((options.out as string | undefined) ?? "bench-results/codecs");
    const result = await runCodecBenchmark(
      {
        inputs,
        readInput: (input) => (statSync(input).isFile() ? fileChunks(input) : dumpPath(input)),
        maxInputBytes:
          options["max-input"] === undefined ? 64_000_000 : integer(options["max-input"] as string, "--max-input"),
        ...(codecs ? { codecs } : {}),
        ...(options.levels
          ? { levels: (list(options.levels, "levels") ?? []).map((l) => integer(l, "--levels")) }
          : {}),
        threads: (list(options.threads, "threads") ?? ["1", "2"]).map((t) => integer(t, "--threads")),
        ...(chunkSize === undefined ? {} : { chunkSize }),
        backends,
        includeNative: !options["no-native"],
        outDir,
      },
      ({ done, total, label }) => progress.update(`bench codecs [${done}/${total}] ${label}`),
    );
    progress.done();
    if (options.json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else
      stdout.write(
        `${renderMarkdownTable(result.rows)}\n\nResults written to ${outDir}/ (results.json, results.md, chart.svg)\n`,
      );
  },
};

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
  const cliRoot = dirname(dirname(fileURLToPath(import.meta.url)));
  const candidates = [
    join(cliRoot, "..", "..", "node_modules", ".pnpm"),
    join(cliRoot, "node_modules"),
    process.execPath,
  ];
  return candidates.filter((p) => existsSync(p));
}
