// Shared test helpers: deterministic sample data, async-iterable sources, collecting output, and running
// the native compression CLIs on buffers.

import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import { CodecError } from "../src/index.js";

/** Deterministic mix of text-like and binary-like bytes, so every codec has something to compress. */
export function sampleBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  const words = ["store", "nix", "narinfo", "lib", "share", "bin", "0123456789abcdef", "\n", " "];
  let i = 0;
  while (i < size) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    if (state & 0x10000) {
      const word = words[state % words.length] as string;
      for (let k = 0; k < word.length && i < size; k++) out[i++] = word.charCodeAt(k);
    } else {
      const run = 1 + (state % 24);
      for (let k = 0; k < run && i < size; k++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        out[i++] = state >>> 24;
      }
    }
  }
  return out;
}

export async function* piecesOf(data: Uint8Array, pieceSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += pieceSize) yield data.subarray(offset, offset + pieceSize);
}

export async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

export function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** Runs a CLI with `input` on stdin and returns stdout; throws with stderr when it fails. */
export function runCli(command: string, args: string[], input: Uint8Array): Buffer {
  const result = spawnSync(command, args, { input, maxBuffer: 1 << 30 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${String(result.status)}: ${result.stderr.toString()}`);
  }
  return result.stdout;
}

/** CLI arguments that decompress each codec to stdout. */
export const NATIVE_DECOMPRESS: Record<string, [string, string[]]> = {
  zstd: ["zstd", ["-d", "-c", "-q"]],
  xz: ["xz", ["-d", "-c"]],
  gzip: ["gzip", ["-d", "-c"]],
  bzip2: ["bzip2", ["-d", "-c"]],
  br: ["brotli", ["-d", "-c"]],
};

/** CLI arguments that compress each codec to stdout. */
export const NATIVE_COMPRESS: Record<string, [string, string[]]> = {
  zstd: ["zstd", ["-c", "-q", "-3"]],
  xz: ["xz", ["-c", "-6"]],
  gzip: ["gzip", ["-c", "-6"]],
  bzip2: ["bzip2", ["-c", "-9"]],
  br: ["brotli", ["-c", "-q", "5"]],
};

/** Whether tests that need a tool must run: missing tools fail loudly in CI and skip elsewhere. */
export function requireTool(command: string): boolean {
  if (hasCommand(command)) return true;
  if (process.env.CI) throw new Error(`${command} is required in CI but is not on PATH`);
  return false;
}

/** The CodecError code `run` fails with, or "no error"; any other kind of error fails the test. */
export async function codeOf(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return (error as CodecError).code;
  }
  return "no error";
}
