// The benchmark's corpus and how it reaches disk: items (NARs of a closure or a cache, files and directories, or a
// deterministic generated sample) concatenated into one input file, streamed, up to a byte budget.

import { lstat, open, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { CodecBenchError } from "./bench-error.js";

export type InputReader = (input: string) => AsyncIterable<Uint8Array>;

async function* walk(path: string, budget: { left: number }): AsyncGenerator<Uint8Array> {
  if (budget.left <= 0) return;
  const info = await lstat(path);
  if (info.isDirectory()) {
    for (const entry of (await readdir(path)).sort()) yield* walk(join(path, entry), budget);
  } else if (info.isFile()) {
    const body = (await readFile(path)).subarray(0, budget.left);
    budget.left -= body.length;
    yield Buffer.from(`${path}\0${body.length}\0`);
    yield body;
  }
}

/** Reads files and directories as one byte stream, stopping after `maxBytes`. */
export function readFilesAndDirectories(
  inputs: readonly string[],
  maxBytes = Number.MAX_SAFE_INTEGER,
): AsyncIterable<Uint8Array> {
  const budget = { left: maxBytes };
  return (async function* () {
    for (const input of inputs) yield* walk(input, budget);
  })();
}

/** A deterministic ~`size`-byte mix: log/text-like lines, repeated binary records and incompressible runs. */
export function generateSampleInput(size = 24 * 1024 * 1024): Buffer {
  const out = Buffer.alloc(size);
  let state = 0x9e3779b9;
  const next = () => (state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0);
  const words = [
    "/nix/store/",
    "lib",
    "share/man/",
    "ELF",
    "GLIBC_2.34",
    "narinfo",
    "Compression: zstd",
    "0x7f",
    "error",
    "return",
  ];
  let i = 0;
  while (i < size) {
    const kind = next() % 10;
    if (kind < 5) {
      const line = `${words[next() % words.length]}${next() % 1000} ${words[next() % words.length]}=${(next() % 65536).toString(16)}\n`;
      i += out.write(line, i, "latin1");
    } else if (kind < 8) {
      const record = next();
      for (let k = 0; k < 64 && i < size; k++) out[i++] = (record >>> ((k % 4) * 8)) & (k % 3 === 0 ? 0xff : 0x0f);
    } else {
      for (let k = 0; k < 48 && i < size; k++) out[i++] = next() & 0xff;
    }
  }
  return out;
}

/** One piece of a corpus: a NAR (or a file's bytes) with the name it is reported under. */
export interface CorpusItem {
  readonly name: string;
  readonly bytes: AsyncIterable<Uint8Array>;
  /**
   * True when the stream proves its bytes only at its end (a cache's NAR, hash-checked by narFromPath): it is then
   * read to the end even past the byte budget, so a NAR that fails its check fails the run.
   */
  readonly verifiedAtEnd?: boolean;
}

/** What the benchmark measures: items concatenated into one input, up to the byte budget. */
export interface Corpus {
  readonly description: string;
  items(): AsyncIterable<CorpusItem>;
}

export interface WrittenCorpus {
  readonly description: string;
  readonly bytes: number;
  /** Names of the items that went in (the last may be cut at the budget). */
  readonly items: readonly string[];
}

/** A corpus of `inputs`, each read by `readInput` or as files and directories. */
export function corpusOfInputs(inputs: readonly string[], readInput: InputReader | undefined): Corpus {
  return {
    description: inputs.join(", "),
    async *items() {
      if (readInput) for (const input of inputs) yield { name: input, bytes: readInput(input) };
      else yield { name: inputs.join(", "), bytes: readFilesAndDirectories(inputs) };
    },
  };
}

/** The deterministic generated sample as a corpus. */
export function sampleCorpus(size: number): Corpus {
  return {
    description: "built-in deterministic sample",
    async *items() {
      yield {
        name: "generated sample",
        bytes: (async function* () {
          yield generateSampleInput(size);
        })(),
      };
    },
  };
}

/**
 * Streams the corpus into `file`, at most `maxBytes` of it (memory: one piece at a time). Fails with EMPTY_CORPUS
 * when nothing was read.
 */
export async function writeCorpus(corpus: Corpus, file: string, maxBytes: number): Promise<WrittenCorpus> {
  const handle = await open(file, "w");
  const names: string[] = [];
  let total = 0;
  // Asked for one item at a time, and not once the budget is spent: a cache corpus reads a narinfo per item.
  const items = corpus.items()[Symbol.asyncIterator]();
  try {
    while (total < maxBytes) {
      const next = await items.next();
      if (next.done) break;
      const item = next.value;
      names.push(item.name);
      for await (const part of item.bytes) {
        const take = part.subarray(0, Math.max(0, maxBytes - total));
        if (take.length > 0) {
          await handle.write(take);
          total += take.length;
        }
        if (total >= maxBytes && !item.verifiedAtEnd) break;
      }
    }
  } finally {
    await items.return?.();
    await handle.close();
  }
  if (total === 0) {
    throw new CodecBenchError(
      "EMPTY_CORPUS",
      corpus.description,
      `the benchmark input (${corpus.description}) has no bytes to compress`,
    );
  }
  return { description: corpus.description, bytes: total, items: names };
}
