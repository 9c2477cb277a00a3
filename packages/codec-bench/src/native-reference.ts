// The native CLI reference column: compresses and decompresses the same input file with zstd, xz, gzip/pigz,
// bzip2/pbzip2 or brotli, timing each and reading peak memory from /usr/bin/time when it is installed.

import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

export interface NativeCommand {
  readonly tool: string;
  readonly compress: string[];
  readonly decompress: string[];
}

export function hasTool(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

/** The CLI invocation matching a codec, level and thread count, or undefined when no CLI is installed. */
export function nativeCommandFor(codec: string, level: number, threads: number): NativeCommand | undefined {
  const pick = (): NativeCommand | undefined => {
    switch (codec) {
      case "zstd":
        return {
          tool: "zstd",
          // Negative levels are spelt --fast=N; 20-22 need --ultra (their windows are up to 128 MiB, which the
          // decoder accepts without --long: its default limit is the same 2^27).
          compress: [
            "zstd",
            "-q",
            "-c",
            ...(level < 0 ? [`--fast=${-level}`] : level > 19 ? ["--ultra", `-${level}`] : [`-${level}`]),
            `-T${threads}`,
          ],
          decompress: ["zstd", "-d", "-q", "-c"],
        };
      case "xz":
        return { tool: "xz", compress: ["xz", "-c", `-${level}`, `-T${threads}`], decompress: ["xz", "-d", "-c"] };
      case "gzip":
        return threads > 1 && hasTool("pigz")
          ? {
              tool: "pigz",
              compress: ["pigz", "-c", `-${level}`, "-p", String(threads)],
              decompress: ["pigz", "-d", "-c"],
            }
          : { tool: "gzip", compress: ["gzip", "-c", `-${level}`], decompress: ["gzip", "-d", "-c"] };
      case "bzip2":
        return threads > 1 && hasTool("pbzip2")
          ? {
              tool: "pbzip2",
              compress: ["pbzip2", "-c", `-${level}`, `-p${threads}`],
              decompress: ["pbzip2", "-d", "-c"],
            }
          : { tool: "bzip2", compress: ["bzip2", "-c", `-${level}`], decompress: ["bzip2", "-d", "-c"] };
      case "br":
        return { tool: "brotli", compress: ["brotli", "-c", "-q", String(level)], decompress: ["brotli", "-d", "-c"] };
      default:
        return undefined;
    }
  };
  const command = pick();
  return command && hasTool(command.tool) ? command : undefined;
}

export interface NativeMeasurement {
  readonly command: string;
  readonly compressedBytes: number;
  readonly compressSeconds: number;
  readonly decompressSeconds: number;
  readonly peakRssBytes: number | null;
}

function timed(
  argv: string[],
  stdinFile: string,
  stdoutFile: string,
): { seconds: number; peakRssBytes: number | null } {
  const useTime = existsSync("/usr/bin/time");
  const quoted = argv.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
  const script = useTime
    ? `/usr/bin/time -f '%M' ${quoted} < '${stdinFile}' > '${stdoutFile}'`
    : `${quoted} < '${stdinFile}' > '${stdoutFile}'`;
  const start = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${argv.join(" ")} failed: ${result.stderr}`);
  const kib = useTime ? Number(result.stderr.trim().split("\n").pop()) : NaN;
  return { seconds, peakRssBytes: Number.isFinite(kib) ? kib * 1024 : null };
}

export function measureNative(command: NativeCommand, inputFile: string, scratchFile: string): NativeMeasurement {
  const compress = timed(command.compress, inputFile, scratchFile);
  const compressedBytes = statSync(scratchFile).size;
  const decompress = timed(command.decompress, scratchFile, "/dev/null");
  return {
    command: command.compress.join(" "),
    compressedBytes,
    compressSeconds: compress.seconds,
    decompressSeconds: decompress.seconds,
    peakRssBytes: Math.max(compress.peakRssBytes ?? 0, decompress.peakRssBytes ?? 0) || null,
  };
}
