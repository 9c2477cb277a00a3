// bzip2: compression through `node-bzip2` (libbz2 compiled at install) as a sequence of independent bzip2
// streams of `BZIP2_PIECE_SIZE` bytes (libbz2's API here is whole-buffer; concatenated streams are valid bzip2
// and Nix restores them), run on libuv's thread pool; decompression a block at a time, several at once, by libbz2
// through the same package, with our own bounded Bzip2Decoder wherever a block cannot be decoded that way.

import { availableParallelism } from "node:os";
import type { Codec } from "../codec.js";
import { rechunk } from "../rechunk.js";
import { decodeBzip2Blocks } from "./bzip2-block-decode.js";
import { packageRequire as require } from "../package-files.js";

interface NodeBzip2 {
  compressAsync(data: Uint8Array, options: { level: number }): Promise<Buffer>;
  decompressAsync(data: Uint8Array, options: { maxOutput: number }): Promise<Buffer>;
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

/** Native block decodes at once: one per core, at least two so a block is being decoded while one is handed out. */
const BLOCKS_IN_FLIGHT = Math.min(4, Math.max(2, availableParallelism()));

/** One bzip2 stream decoded whole by libbz2 on libuv's thread pool (our patch adds `maxOutput` and EOF checks). */
function decodeWholeBlock(stream: Uint8Array, maxOutputBytes: number): Promise<Buffer> {
  return nodeBzip2().decompressAsync(Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength), {
    maxOutput: maxOutputBytes,
  });
}

const isOutputLimitError = (error: unknown) => error instanceof Error && error.message === "BZ_OUTBUFF_FULL";

/**
 * Decodes bzip2 (concatenated streams accepted) block-parallel, see bzip2-block-decode.ts. unbzip2-stream is not
 * used: it decodes each block whole into a JavaScript array of numbers (a 900 kB block of runs expands to ~46 MB,
 * 8 bytes each), which took a 1,731-byte input to 673 MB of RSS.
 */
function decompressBzip2(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  return decodeBzip2Blocks(source, { decodeWholeBlock, isOutputLimitError, blocksInFlight: BLOCKS_IN_FLIGHT });
}

export const nodeBzip2Codec: Codec = {
  name: "bzip2",
  backend: "node-bzip2",
  extension: ".bz2",
  levels: { min: 1, max: 9, default: 9 },
  concatenable: true,
  nativeThreads: false,
  releasesInput: true, // rechunk copies each piece into its block
  compress:
    ({ level }) =>
    (source) =>
      compressBzip2(source, level),
  decompress: () => (source) => decompressBzip2(source),
  compressChunk: compressPiece,
};
