// Decompression bombs: every decoder of every codec stops at maxOutputBytes while it decodes, in bounded memory,
// hands back pieces of at most DECODED_PIECE_BYTES, and decodes no further than its consumer has pulled.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeCompressionPools, compressStream, decompressStream } from "../src/index.js";
import { XZ_THREADED_DECODE_MEMORY } from "../src/backends/xz-native-decode.js";
import { DECODED_PIECE_BYTES } from "../src/output-limit.js";
import { requireTool, sampleBytes } from "./helpers.js";

const MiB = 1024 * 1024;
const LIMIT = 64 * MiB;
const RSS_BOUND = 250 * MiB;
const CHILD = fileURLToPath(new URL("./child/decode-child.mjs", import.meta.url));

interface ChildResult {
  code: string;
  message: string;
  bytes: number;
  pieces: number;
  largestPiece: number;
  peakRss: number;
}

/** Decodes `path` in a fresh node process through the built package (dist/) and returns what it reports. */
function decodeInChild(args: {
  path: string;
  codec: string;
  mode: string;
  limit: string;
  backend?: string;
  inputPiece?: number;
}): Promise<ChildResult> {
  const argv = [
    CHILD,
    args.path,
    args.codec,
    args.mode,
    args.limit,
    args.backend ?? "",
    String(args.inputPiece ?? 64 * 1024),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (piece: Buffer) => (out += piece.toString()));
    child.stderr.on("data", (piece: Buffer) => (err += piece.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        reject(new Error(`decode child exited ${String(status)} without a result: ${err.slice(-2000)}`));
      }
    });
  });
}

const tools = ["zstd", "bzip2", "xz", "gzip", "brotli"].every((tool) => requireTool(tool));
const dir = mkdtempSync(join(tmpdir(), "narwhal-bombs-"));
const bombs: Record<string, string> = {};

function sh(script: string): void {
  const result = spawnSync("sh", ["-c", script], { stdio: ["ignore", "ignore", "pipe"] });
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr.toString()}`);
}

beforeAll(() => {
  if (!tools) return;
  // Single streams where the CLI makes them fast; else one stream repeated (concatenations are valid input).
  const repeat = (file: string, times: number) => `for i in $(seq ${times}); do cat ${file}; done`;
  sh(`head -c 1G /dev/zero | zstd -q -1 -c > ${dir}/zero.zst`);
  sh(`head -c 256M /dev/zero | bzip2 -9 -c > ${dir}/one.bz2 && cat ${dir}/one.bz2 ${dir}/one.bz2 > ${dir}/zero.bz2`);
  sh(`head -c 256M /dev/zero | xz -0 -c > ${dir}/one.xz && (${repeat(`${dir}/one.xz`, 4)}) > ${dir}/zero.xz`);
  // Blocks with their sizes in their headers, which liblzma's threaded decoder (xz-native's, on the main thread)
  // decodes ahead of the consumer, as far as XZ_THREADED_DECODE_MEMORY lets it.
  sh(`head -c 1G /dev/zero | xz -0 -T2 --block-size=48MiB -c > ${dir}/zero-blocks.xz`);
  sh(`head -c 64M /dev/zero | gzip -9 -c > ${dir}/one.gz && (${repeat(`${dir}/one.gz`, 16)}) > ${dir}/zero.gz`);
  sh(`head -c 1G /dev/zero | brotli -q 1 -c > ${dir}/zero.br`);
  Object.assign(bombs, {
    zstd: `${dir}/zero.zst`,
    bzip2: `${dir}/zero.bz2`,
    xz: `${dir}/zero.xz`,
    "xz-blocks": `${dir}/zero-blocks.xz`,
    gzip: `${dir}/zero.gz`,
    br: `${dir}/zero.br`,
    none: `zeros:${1 << 30}`,
  });
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeCompressionPools();
});

const BACKENDS = [
  ["zstd", "zstd-napi"],
  ["bzip2", "node-bzip2"],
  ["xz", "node-liblzma"],
  ["xz", "lzma-native"],
  ["gzip", "node:zlib"],
  ["br", "node:zlib"],
  ["br", "brotli-wasm"],
  ["none", "passthrough"],
] as const;
const DEFAULTS = ["zstd", "bzip2", "xz", "gzip", "br", "none"] as const;

describe.skipIf(!tools)("decompression bombs (a child process decodes through dist/)", () => {
  it("the bombs are small and the test inputs really expand past the limit", () => {
    expect(statSync(bombs.zstd!).size).toBeLessThan(64 * 1024);
    expect(statSync(bombs.bzip2!).size).toBeLessThan(4 * 1024);
    expect(statSync(bombs.br!).size).toBeLessThan(256 * 1024);
  });

  for (const [codec, backend] of BACKENDS) {
    it(`${codec} via ${backend}: refused at maxOutputBytes=64 MiB with peak RSS <= 250 MiB, pieces <= 1 MiB`, async () => {
      const result = await decodeInChild({ path: bombs[codec]!, codec, backend, mode: "stream", limit: String(LIMIT) });
      expect(result.code, result.message).toBe("OUTPUT_LIMIT_EXCEEDED");
      expect(result.message).toContain(`${codec}:`);
      expect(result.message).toContain(`maxOutputBytes=${LIMIT}`);
      expect(result.bytes).toBeLessThanOrEqual(LIMIT);
      expect(result.largestPiece).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
      expect(result.peakRss).toBeLessThanOrEqual(RSS_BOUND);
    });

    it(`${codec} via ${backend}: decodes no further than its consumer pulls (one piece taken, then a pause)`, async () => {
      const result = await decodeInChild({ path: bombs[codec]!, codec, backend, mode: "first-piece", limit: "none" });
      expect(result.code, result.message).toBe("OK");
      expect(result.largestPiece).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
      // A node process with the package loaded peaks near 60-80 MiB here; decoding ahead would add hundreds.
      expect(result.peakRss).toBeLessThanOrEqual(128 * MiB);
    });
  }

  // The decoders that honour reuseOutput (the lease restores read with) are bounded the same way with it.
  for (const codec of ["zstd", "xz", "br"] as const) {
    it(`${codec} with reuseOutput: refused at maxOutputBytes=64 MiB with peak RSS <= 250 MiB, pieces <= 1 MiB`, async () => {
      const result = await decodeInChild({ path: bombs[codec]!, codec, mode: "stream-reuse", limit: String(LIMIT) });
      expect(result.code, result.message).toBe("OUTPUT_LIMIT_EXCEEDED");
      expect(result.message).toContain(`maxOutputBytes=${LIMIT}`);
      expect(result.bytes).toBeLessThanOrEqual(LIMIT);
      expect(result.largestPiece).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
      expect(result.peakRss).toBeLessThanOrEqual(RSS_BOUND);
    });
  }

  it("xz in blocks with their sizes (threaded decoding): refused at 64 MiB in bounded memory; ahead by at most XZ_THREADED_DECODE_MEMORY", async () => {
    expect(statSync(bombs["xz-blocks"]!).size).toBeLessThan(256 * 1024);
    const refused = await decodeInChild({
      path: bombs["xz-blocks"]!,
      codec: "xz",
      mode: "stream",
      limit: String(LIMIT),
    });
    expect(refused.code, refused.message).toBe("OUTPUT_LIMIT_EXCEEDED");
    expect(refused.peakRss).toBeLessThanOrEqual(RSS_BOUND);
    const paused = await decodeInChild({ path: bombs["xz-blocks"]!, codec: "xz", mode: "first-piece", limit: "none" });
    expect(paused.code, paused.message).toBe("OK");
    expect(paused.largestPiece).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
    expect(paused.peakRss).toBeLessThanOrEqual(128 * MiB + XZ_THREADED_DECODE_MEMORY);
  });

  for (const codec of DEFAULTS) {
    it(`${codec}: decodeContentEncoding refuses the bomb at 64 MiB with peak RSS <= 250 MiB`, async () => {
      // `none` has no bomb: its body is as big as its output, so an 80 MiB body stands in.
      const path = codec === "none" ? `zeros:${80 * MiB}` : bombs[codec]!;
      const result = await decodeInChild({ path, codec, mode: "content-encoding", limit: String(LIMIT) });
      expect(result.code, result.message).toBe("OUTPUT_LIMIT_EXCEEDED");
      expect(result.message).toContain(`${codec}:`);
      expect(result.peakRss).toBeLessThanOrEqual(RSS_BOUND);
    });

    it(`${codec}: a streamed Content-Encoding body (the http transport: DEFAULT_CONTENT_ENCODING_LIMIT) is refused in bounded memory`, async () => {
      const result = await decodeInChild({ path: bombs[codec]!, codec, mode: "stream", limit: "default" });
      expect(result.code, result.message).toBe("OUTPUT_LIMIT_EXCEEDED");
      expect(result.largestPiece).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
      expect(result.peakRss).toBeLessThanOrEqual(RSS_BOUND);
    });
  }

  it("a legitimate 512 MiB zstd stream of real file content decodes whole with peak RSS <= 250 MiB", async () => {
    // 32 MiB of files from /usr/lib and /usr/bin (or generated bytes where there are too few), repeated 16 times.
    const sample = `${dir}/sample`;
    sh(
      `(find /usr/lib /usr/bin -type f -size +8k 2>/dev/null | sort | head -n 4000 | xargs cat 2>/dev/null) | head -c 32M > ${sample}`,
    );
    if (statSync(sample).size < 32 * MiB) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(sample, sampleBytes(32 * MiB, 7));
    }
    sh(`(for i in $(seq 16); do cat ${sample}; done) | zstd -q -1 -c > ${dir}/real.zst`);
    // Large input pieces (16 MiB, like an S3 part buffer) so a decoder that decodes a whole piece at once would show
    // (zstd-napi's DecompressStream: 300 MB peak RSS here, with 38 MB pieces).
    const result = await decodeInChild({
      path: `${dir}/real.zst`,
      codec: "zstd",
      mode: "stream",
      limit: "none",
      inputPiece: 16 * MiB,
    });
    expect(result.code, result.message).toBe("OK");
    expect(result.bytes).toBe(512 * MiB);
    expect(result.largestPiece).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
    expect(result.peakRss).toBeLessThanOrEqual(RSS_BOUND);
  });
});

describe("decoded pieces are at most DECODED_PIECE_BYTES when the input comes as one piece", () => {
  // Zeros with some structure: 24 MiB that compresses very well, so one input piece holds many output pieces.
  const data = Buffer.concat([Buffer.alloc(16 * MiB), sampleBytes(MiB, 3), Buffer.alloc(7 * MiB, 0x61)]);

  for (const [codec, backend] of BACKENDS) {
    it(`${codec} via ${backend}`, async () => {
      const parts: Buffer[] = [];
      for await (const part of compressStream(
        codec,
        (async function* () {
          yield data;
        })(),
        { backend, level: codec === "br" ? 5 : -1 },
      ))
        parts.push(part);
      const compressed = Buffer.concat(parts);
      let largest = 0;
      const restored: Buffer[] = [];
      for await (const piece of decompressStream(
        codec,
        (async function* () {
          yield compressed;
        })(),
        { backend },
      )) {
        largest = Math.max(largest, piece.byteLength);
        restored.push(Buffer.from(piece));
      }
      expect(largest).toBeLessThanOrEqual(DECODED_PIECE_BYTES);
      expect(Buffer.concat(restored).equals(data)).toBe(true);
    });
  }
});
