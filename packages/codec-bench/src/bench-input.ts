// Builds the benchmark's input bytes: given files and directories (directories walked in sorted order, each
// file preceded by a small path/size header, like a tar-ish concatenation), a caller's reader (e.g. NAR dumps),
// or a deterministic built-in sample of text-like and binary-like data when nothing is given.

import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

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

export async function collectInput(
  inputs: readonly string[],
  readInput: InputReader | undefined,
  maxBytes: number,
): Promise<{ bytes: Buffer; description: string }> {
  if (inputs.length === 0) {
    return {
      bytes: generateSampleInput(Math.min(maxBytes, 24 * 1024 * 1024)),
      description: "built-in deterministic sample",
    };
  }
  const parts: Buffer[] = [];
  let total = 0;
  const source = readInput
    ? (async function* () {
        for (const input of inputs) yield* readInput(input);
      })()
    : readFilesAndDirectories(inputs, maxBytes);
  for await (const part of source) {
    const take = Buffer.from(part).subarray(0, maxBytes - total);
    parts.push(take);
    total += take.length;
    if (total >= maxBytes) break;
  }
  return { bytes: Buffer.concat(parts), description: inputs.join(", ") };
}
