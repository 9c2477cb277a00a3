// bzip2: compression through `node-bzip2` (libbz2 compiled at install) as a sequence of independent bzip2
// streams of `BZIP2_PIECE_SIZE` bytes (libbz2's API here is whole-buffer; concatenated streams are valid bzip2
// and Nix restores them), run on libuv's thread pool; decompression through our own bounded Bzip2Decoder.

import type { Codec } from "../codec.js";
import { PieceWriter } from "../output-limit.js";
import { rechunk } from "../rechunk.js";
import { Bzip2Decoder } from "./bzip2-decoder.js";
import { packageRequire as require } from "../package-files.js";

interface NodeBzip2 {
  compressAsync(data: Uint8Array, options: { level: number }): Promise<Buffer>;
}
let bzip2Library: NodeBzip2 | undefined;
const nodeBzip2 = (): NodeBzip2 => (bzip2Library ??= require("node-bzip2") as NodeBzip2);

/** Input bytes per bzip2 stream when compressing without parallelism (bzip2 blocks are 900 kB anyway). */
export const BZIP2_PIECE_SIZE = 9 * 1024 * 1024;

function compressPiece(chunk: Uint8Array, level: number): Promise<Buffer> {
  return nodeBzip2().compressAsync(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), { level });
}

async function* compressBzip2(source: AsyncIterable<Uint8Array>, level: number): AsyncGenerator<Buffer> {
  let emitted = false;
  for await (const piece of rechunk(source, BZIP2_PIECE_SIZE)) {
    emitted = true;
    yield await compressPiece(piece, level);
  }
  if (!emitted) yield await compressPiece(new Uint8Array(0), level);
}

/**
 * Decodes bzip2 (concatenated streams accepted) a piece at a time through Bzip2Decoder: input is pulled only when
 * the decoder has written all it can, and output only when the consumer asks. unbzip2-stream is not used: it
 * decodes each block whole into a JavaScript array of numbers (a 900 kB block of runs expands to ~46 MB, 8 bytes
 * each), which took a 1,731-byte input to 673 MB of RSS.
 */
async function* decompressBzip2(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const decoder = new Bzip2Decoder();
  const out = new PieceWriter();
  const input = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const space = out.space();
      const written = decoder.decode(space);
      out.wrote(written);
      if (out.full) {
        yield out.take();
        continue;
      }
      if (decoder.finished) break;
      const next = await input.next();
      if (next.done) decoder.end();
      else decoder.push(next.value);
    }
  } finally {
    await input.return?.();
  }
  const rest = out.rest();
  if (rest) yield rest;
}

export const nodeBzip2Codec: Codec = {
  name: "bzip2",
  backend: "node-bzip2",
  extension: ".bz2",
  levels: { min: 1, max: 9, default: 9 },
  concatenable: true,
  nativeThreads: false,
  compress:
    ({ level }) =>
    (source) =>
      compressBzip2(source, level),
  decompress: () => (source) => decompressBzip2(source),
  compressChunk: compressPiece,
};
