// xz through `lzma-native` (bundled liblzma 5.2), the design's original choice, kept as an alternative backend.
// Its easy encoder treats preset 0 as 6 (`preset || default`), so this backend passes the preset through an
// explicit LZMA2 filter chain instead, which honours every level 0-9.

import { createRequire } from "node:module";
import type { Transform } from "node:stream";
import type { Codec } from "../codec.js";
import { throughNodeTransform, TRANSFORM_OUTPUT_CHUNK } from "../node-transform.js";
import { checkedXzDecode } from "./node-liblzma.js";

interface LzmaNative {
  createStream(coder: string, options: Record<string, unknown>): Transform;
  FILTER_LZMA2: unknown;
  CHECK_CRC64: number;
  LZMA_CONCATENATED: number;
}

const require = createRequire(import.meta.url);
let loaded: LzmaNative | undefined;
const lzmaNative = (): LzmaNative => (loaded ??= require("lzma-native") as LzmaNative);

function encoder(level: number, threads: number): Transform {
  const lib = lzmaNative();
  return lib.createStream("streamEncoder", {
    filters: [{ id: lib.FILTER_LZMA2, options: { preset: level } }],
    check: lib.CHECK_CRC64,
    ...(threads > 1 ? { threads } : {}),
    synchronous: false,
    bufsize: TRANSFORM_OUTPUT_CHUNK,
  });
}

export const lzmaNativeCodec: Codec = {
  name: "xz",
  backend: "lzma-native",
  extension: ".xz",
  levels: { min: 0, max: 9, default: 6 },
  concatenable: true,
  nativeThreads: true,
  compress: ({ level, threads }) => (source) => throughNodeTransform(source, encoder(level, threads), { codecName: "xz" }),
  decompress: () => (source) =>
    checkedXzDecode(source, (input) =>
      throughNodeTransform(
        input,
        lzmaNative().createStream("streamDecoder", { flags: lzmaNative().LZMA_CONCATENATED, bufsize: TRANSFORM_OUTPUT_CHUNK }),
        { codecName: "xz" },
      ),
    ),
};
