// Registers narwhal's built-in codecs: the measured-fastest backend of each method as its default, and the
// design's original packages (lzma-native, brotli-wasm) as alternatives the benchmark compares.

import { brotliWasmCodec } from "./backends/brotli-wasm.js";
import { lzmaNativeCodec } from "./backends/lzma-native.js";
import { nodeBzip2Codec } from "./backends/node-bzip2.js";
import { nodeLiblzmaCodec } from "./backends/node-liblzma.js";
import { zlibBrotliCodec, zlibGzipCodec } from "./backends/node-zlib.js";
import { noneCodec } from "./backends/none.js";
import { zstdNapiCodec } from "./backends/zstd-napi.js";
import { registerCodec } from "./registry.js";

for (const codec of [zstdNapiCodec, nodeLiblzmaCodec, zlibGzipCodec, nodeBzip2Codec, zlibBrotliCodec, noneCodec]) {
  registerCodec(codec);
}
registerCodec(lzmaNativeCodec);
registerCodec(brotliWasmCodec);
