// Child-process entry that measures one codec configuration in isolation, so peak RSS (maxRSS) belongs to
// that run alone: compress the input file, decompress it back, verify, and report over IPC.

import { readFile } from "node:fs/promises";
import { closeCompressionPools, compressStream, decompressStream, type CompressOptions } from "@narwhal/codecs";

export interface ChildTask {
  readonly inputFile: string;
  readonly codec: string;
  readonly backend?: string;
  readonly options: CompressOptions;
}

export interface ChildResult {
  readonly compressedBytes: number;
  readonly compressSeconds: number;
  readonly decompressSeconds: number;
  readonly peakRssBytes: number;
  readonly baselineRssBytes: number;
  readonly verified: boolean;
  readonly error?: string;
}

async function* pieces(data: Buffer, size = 1024 * 1024): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

async function measure(task: ChildTask): Promise<ChildResult> {
  const input = await readFile(task.inputFile);
  const baselineRssBytes = process.memoryUsage().rss;
  const compressStart = process.hrtime.bigint();
  const compressed: Buffer[] = [];
  for await (const part of compressStream(task.codec, pieces(input), { ...task.options, backend: task.backend }))
    compressed.push(part);
  const compressSeconds = Number(process.hrtime.bigint() - compressStart) / 1e9;
  const body = Buffer.concat(compressed);
  const decompressStart = process.hrtime.bigint();
  const restored: Buffer[] = [];
  for await (const part of decompressStream(task.codec, pieces(body), { backend: task.backend })) restored.push(part);
  const decompressSeconds = Number(process.hrtime.bigint() - decompressStart) / 1e9;
  const verified = Buffer.concat(restored).equals(input);
  await closeCompressionPools();
  return {
    compressedBytes: body.length,
    compressSeconds,
    decompressSeconds,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    baselineRssBytes,
    verified,
  };
}

process.once("message", (task: ChildTask) => {
  measure(task).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
