// xz through `node-liblzma` (system liblzma): .xz streams with CRC64 like the xz CLI and Nix, liblzma's own
// multithreaded block encoder for `threads > 1`, and a concatenation-aware decoder with a truncation check
// (through @narwhal/xz-native where that optional addon is built).

import type { Transform } from "node:stream";
import type { Codec } from "../codec.js";
import { nodeLiblzma } from "../native-modules.js";
import { throughNodeTransform, TRANSFORM_OUTPUT_CHUNK } from "../node-transform.js";
import { decompressXz } from "./node-liblzma-decode.js";
import { decompressXzNative, xzNative } from "./xz-native-decode.js";
import { assertCompleteXzStream, StreamTail } from "./xz-footer.js";
import { compiledModuleUrl } from "../package-files.js";

export async function* checkedXzDecode(
  source: AsyncIterable<Uint8Array>,
  decode: (input: AsyncIterable<Uint8Array>) => AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const tail = new StreamTail();
  const remembered = (async function* () {
    for await (const piece of source) {
      tail.push(piece);
      yield piece;
    }
  })();
  yield* decode(remembered);
  assertCompleteXzStream(tail.bytes(), "xz");
}

export const nodeLiblzmaCodec: Codec = {
  name: "xz",
  backend: "node-liblzma",
  extension: ".xz",
  levels: { min: 0, max: 9, default: 6 },
  concatenable: true,
  nativeThreads: true,
  releasesInput: true, // throughNodeTransform waits until the transform has consumed each piece
  chunkWorkerModule: compiledModuleUrl("backends/node-liblzma-chunk.js").href,
  compress: ({ level, threads }) =>
    async function* (source) {
      const { check, createXz } = await nodeLiblzma();
      yield* throughNodeTransform(
        source,
        createXz({
          preset: level,
          check: check.CRC64,
          threads,
          chunkSize: TRANSFORM_OUTPUT_CHUNK,
        }) as unknown as Transform,
        { codecName: "xz" },
      );
    },
  decompress: (options) => (source) => {
    const native = xzNative();
    const reuse = options.reuseOutput;
    return checkedXzDecode(
      source,
      native ? (input) => decompressXzNative(native, input, undefined, reuse) : (input) => decompressXz(input, reuse),
    );
  },
};
