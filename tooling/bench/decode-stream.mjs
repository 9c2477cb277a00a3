// Child of consume-closure.mjs: decodes FILE with @narwhal/codecs' decompressStream (streamed from disk in 1 MiB
// reads, output discarded, as `zstd -dc FILE > /dev/null` does) and prints {bytes, seconds, cpuSeconds} of the
// decode alone (module loading excluded). The consumer is done with each piece before it pulls the next, so it
// reads with reuseOutput, as the store's verified reads for restores and `store verify` do (DECODE_REUSE=0: not).
// Usage: node decode-stream.mjs CODEC FILE
import { createReadStream } from "node:fs";
import { decompressStream } from "@narwhal/codecs";

const [codec, file] = process.argv.slice(2);
const started = performance.now();
const cpu = process.cpuUsage();
let bytes = 0;
const reuseOutput = process.env.DECODE_REUSE !== "0";
for await (const piece of decompressStream(codec, createReadStream(file, { highWaterMark: 1 << 20 }), {
  reuseOutput,
})) {
  bytes += piece.length;
}
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({ bytes, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }),
);
