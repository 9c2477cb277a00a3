// xz decoding through node-liblzma's native coder, one lzma_code call at a time on libuv's pool: each call gets
// at most the rest of one DECODED_PIECE_BYTES output piece, and the next call happens only when the consumer pulls.

import { CodecError } from "../codec-error.js";
import { nodeLiblzma } from "../native-modules.js";
import { PieceWriter } from "../output-limit.js";

/** node-liblzma's native coder (its Transform's `lzma`); the decoder it builds accepts concatenated streams. */
interface NativeLzma {
  code(
    flushFlag: number,
    chunk: Buffer,
    inOff: number,
    availIn: number,
    out: Buffer,
    outOff: number,
    callback: (status: number, availInAfter: number, availOutAfter: number) => boolean,
  ): void;
  close(): void;
}

const NO_INPUT = Buffer.alloc(0);

function statusError(status: number, LZMA_BUF_ERROR: number): CodecError {
  if (status === LZMA_BUF_ERROR)
    return new CodecError("TRUNCATED_INPUT", "xz: compressed input ends before its stream is complete");
  return new CodecError("CORRUPT_INPUT", `xz: compressed input is not valid xz data (liblzma status ${status})`);
}

/**
 * Decodes xz (concatenated streams and stream padding accepted). node-liblzma's Unxz Transform is not used as a
 * stream: it runs each input chunk to the end, pushing output whether or not anyone reads it, so a consumer slower
 * than the decoder (a busy event loop) let a 156 KB bomb of 1 GiB of zeros queue up to ~430 MB per 64 KiB piece.
 */
export async function* decompressXz(source: AsyncIterable<Uint8Array>, reuseOutput = false): AsyncGenerator<Buffer> {
  const { createUnxz, LZMA_BUF_ERROR, LZMA_FINISH, LZMA_OK, LZMA_RUN, LZMA_STREAM_END } = await nodeLiblzma();
  const native = (createUnxz({ chunkSize: 1 }) as unknown as { lzma: NativeLzma }).lzma;
  const out = new PieceWriter(reuseOutput);
  const code = (flag: number, input: Buffer, inOff: number, space: Buffer) =>
    new Promise<[number, number, number]>((resolve) => {
      native.code(flag, input, inOff, input.length - inOff, space, 0, (status, availInAfter, availOutAfter) => {
        resolve([status, availInAfter, availOutAfter]);
        return false;
      });
    });
  try {
    for await (const piece of source) {
      const input = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      let offset = 0;
      while (offset < input.length) {
        const space = out.space();
        const [status, availInAfter, availOutAfter] = await code(LZMA_RUN, input, offset, space);
        if (status !== LZMA_OK && status !== LZMA_STREAM_END) throw statusError(status, LZMA_BUF_ERROR);
        offset = input.length - availInAfter;
        out.wrote(space.length - availOutAfter);
        if (out.full) yield out.take();
      }
    }
    for (;;) {
      const space = out.space();
      const [status, , availOutAfter] = await code(LZMA_FINISH, NO_INPUT, 0, space);
      out.wrote(space.length - availOutAfter);
      if (status === LZMA_STREAM_END) break;
      if (status !== LZMA_OK) throw statusError(status, LZMA_BUF_ERROR);
      if (out.full) yield out.take();
    }
  } finally {
    native.close();
  }
  const rest = out.rest();
  if (rest) yield rest;
}
