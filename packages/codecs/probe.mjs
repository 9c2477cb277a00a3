import zlib from "node:zlib";
import { Readable } from "node:stream";
import * as zstd from "zstd-napi";
import * as lz from "node-liblzma";
const data = Buffer.alloc(300000);
for (let i = 0; i < data.length; i++) data[i] = (((i * 7919) >> 5) & 0xff) ^ (i % 13);
async function run(name, mk, input, pieces = 1) {
  const parts = [];
  const step = Math.ceil(input.length / pieces);
  for (let i = 0; i < input.length; i += step) parts.push(input.subarray(i, i + step));
  const t = mk();
  let n = 0;
  try {
    for await (const c of Readable.from(parts).pipe(t)) n += c.length;
    console.log(name, "OK out", n, "consumed", t.bytesWritten, "of", input.length);
  } catch (e) {
    console.log(name, "ERR", e.message);
  }
}
const enc = {
  gzip: [zlib.gzipSync(data), () => zlib.createGunzip()],
  br: [zlib.brotliCompressSync(data), () => zlib.createBrotliDecompress()],
  zstd: [zstd.compress(data), () => new zstd.DecompressStream()],
  xz: [lz.xzSync(data, { check: lz.check.CRC64 }), () => lz.createUnxz()],
};
const garbage = Buffer.from("garbage!garbage!");
for (const [k, [c, mk]] of Object.entries(enc)) {
  await run(`${k} plain`, mk, c);
  await run(`${k} concat`, mk, Buffer.concat([c, c]));
  await run(`${k} truncated`, mk, c.subarray(0, c.length - 10));
  await run(`${k} trunc-half`, mk, c.subarray(0, c.length >> 1));
  const f = Buffer.from(c);
  f[f.length >> 1] ^= 0x55;
  await run(`${k} flipped`, mk, f);
  await run(`${k} garbage same chunk`, mk, Buffer.concat([c, garbage]));
  await run(`${k} garbage later chunk`, mk, Buffer.concat([c, garbage]), 2);
  await run(`${k} zeros`, mk, Buffer.concat([c, Buffer.alloc(8)]));
  await run(`${k} empty input`, mk, Buffer.alloc(0));
}
