import { createReadStream } from "node:fs";
import { compressStream } from "@narwhal/codecs";
const threads = Number(process.argv[2]);
const file = process.argv[3] ?? "/tmp/all.nar";
let n = 0;
for await (const c of compressStream("xz", createReadStream(file, { highWaterMark: 1 << 20 }), { parallel: threads > 1, sizeHint: threads > 1 ? 1e9 : 1, threads })) n += c.length;
console.error("out", n);
