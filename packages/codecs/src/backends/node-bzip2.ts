// bzip2: compression through `node-bzip2` (libbz2 compiled at install) as a sequence of independent bzip2
// streams of `BZIP2_PIECE_SIZE` bytes (libbz2's API here is whole-buffer; concatenated streams are valid bzip2
// and Nix restores them), run on libuv's thread pool; decompression through the streaming `unbzip2-stream`.

import { createRequire } from "node:module";
import type { Codec } from "../codec.js";
import { rechunk } from "../rechunk.js";

interface NodeBzip2 {
  compressAsync(data: Uint8Array, options: { level: number }): Promise<Buffer>;
}
interface ThroughStream {
  on(event: "data", listener: (chunk: Buffer | null) => void): ThroughStream;
  on(event: "error", listener: (error: Error) => void): ThroughStream;
  on(event: "end", listener: () => void): ThroughStream;
  write(data: Buffer): boolean;
  end(): void;
}

const require = createRequire(import.meta.url);
let bzip2Library: NodeBzip2 | undefined;
const nodeBzip2 = (): NodeBzip2 => (bzip2Library ??= require("node-bzip2") as NodeBzip2);
const createUnbzip2 = (): ThroughStream => (require("unbzip2-stream") as () => ThroughStream)();

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

async function* decompressBzip2(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const decoder = createUnbzip2();
  const ready: Buffer[] = [];
  let failure: Error | undefined;
  decoder.on("data", (chunk) => {
    if (chunk && chunk.length > 0) ready.push(chunk);
  });
  decoder.on("error", (error) => {
    failure ??= error;
  });
  decoder.on("end", () => undefined);
  const drain = function* () {
    if (failure) throw failure;
    while (ready.length > 0) yield ready.shift() as Buffer;
  };
  for await (const piece of source) {
    if (piece.byteLength === 0) continue;
    decoder.write(Buffer.from(piece));
    yield* drain();
  }
  decoder.end();
  yield* drain();
  if (failure) throw failure;
}

export const nodeBzip2Codec: Codec = {
  name: "bzip2",
  backend: "node-bzip2",
  extension: ".bz2",
  levels: { min: 1, max: 9, default: 9 },
  concatenable: true,
  nativeThreads: false,
  compress: ({ level }) => (source) => compressBzip2(source, level),
  decompress: () => (source) => decompressBzip2(source),
  compressChunk: compressPiece,
};

