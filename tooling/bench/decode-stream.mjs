// Child of consume-closure.mjs: decodes FILE with @narwhal/codecs' decompressStream (streamed from disk in 1 MiB
// reads, output discarded, as `zstd -dc FILE > /dev/null` does) and prints {bytes, seconds, cpuSeconds} of the
// decode alone (module loading excluded). Usage: node decode-stream.mjs CODEC FILE
import { createReadStream } from "node:fs";
import { decompressStream } from "@narwhal/codecs";

const [codec, file] = process.argv.slice(2);
const started = performance.now();
const cpu = process.cpuUsage();
let bytes = 0;
for await (const piece of decompressStream(codec, createReadStream(file, { highWaterMark: 1 << 20 }))) {
  bytes += piece.length;
}
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({ bytes, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }),
);
