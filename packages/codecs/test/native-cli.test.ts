// Interop with the native CLIs: what narwhal compresses (parallel chunked or native-threaded) decodes with
// zstd/xz/gzip/bzip2/brotli, and what those CLIs produce (also concatenated) decodes with narwhal.

import { afterAll, describe, expect, it } from "vitest";
import { closeCompressionPools, compressStream, decompressStream } from "../src/index.js";
import { collect, NATIVE_COMPRESS, NATIVE_DECOMPRESS, piecesOf, requireTool, runCli, sampleBytes } from "./helpers.js";

const CHUNK = 256 * 1024;
const data = sampleBytes(3 * CHUNK + 12_345, 42);
afterAll(closeCompressionPools);

const CASES: { name: string; backend?: string; options: object }[] = [
  { name: "zstd", options: { parallel: true, strategy: "chunks" } },
  { name: "zstd", options: { parallel: true, strategy: "native" } },
  { name: "xz", options: { parallel: true, strategy: "chunks", level: 1 } },
  { name: "xz", options: { parallel: true, strategy: "native", level: 1 } },
  { name: "xz", backend: "lzma-native", options: { parallel: true, strategy: "native", level: 0 } },
  { name: "gzip", options: { parallel: true } },
  { name: "bzip2", options: { parallel: true } },
  { name: "br", options: { level: 5 } },
  { name: "br", backend: "brotli-wasm", options: { level: 5 } },
];

describe("narwhal output decodes with the native CLI", () => {
  for (const { name, backend, options } of CASES) {
    const [command, args] = NATIVE_DECOMPRESS[name] as [string, string[]];
    it.runIf(requireTool(command))(`${name} ${backend ?? ""} ${JSON.stringify(options)} → ${command}`, async () => {
      const compressed = await collect(
        compressStream(name, piecesOf(data), { ...options, backend, threads: 2, chunkSize: CHUNK }),
      );
      expect(runCli(command, args, compressed).equals(data)).toBe(true);
    });
  }
});

describe("native CLI output decodes with narwhal, including concatenations", () => {
  for (const name of ["zstd", "xz", "gzip", "bzip2", "br"]) {
    const [command, args] = NATIVE_COMPRESS[name] as [string, string[]];
    it.runIf(requireTool(command))(`${command} output, alone and concatenated where valid`, async () => {
      const first = data.subarray(0, 100_000);
      const second = data.subarray(100_000);
      const one = runCli(command, args, first);
      expect((await collect(decompressStream(name, piecesOf(one, 777)))).equals(first)).toBe(true);
      if (name === "br") return;
      const empty = runCli(command, args, Buffer.alloc(0));
      const joined = Buffer.concat([empty, one, runCli(command, args, second), empty]);
      expect((await collect(decompressStream(name, piecesOf(joined, 1_000)))).equals(data)).toBe(true);
    });
  }

  it.runIf(requireTool("xz"))("xz -T2 multi-block output decodes", async () => {
    const compressed = runCli("xz", ["-c", "-1", "-T2", "--block-size=65536"], data);
    expect(await collect(decompressStream("xz", piecesOf(compressed)))).toEqual(data);
  });
});
