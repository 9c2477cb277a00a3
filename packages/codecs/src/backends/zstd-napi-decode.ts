// zstd decoding through zstd-napi's streaming decompression context, driven piece by piece: each call fills at most
// the rest of one DECODED_PIECE_BYTES output piece, and the next call happens only when the consumer pulls.

import { CodecError } from "../codec-error.js";
import { zstdBinding, type ZstdBinding } from "../native-modules.js";
import { PieceWriter } from "../output-limit.js";

/** zstd-napi's ZSTD_DCtx wrapper; decompressStream returns [next input size hint (0: frame done), produced, consumed]. */
interface DCtx {
  decompressStream(dstBuf: Uint8Array, srcBuf: Uint8Array): [number, number, number];
}
const newDCtx = (): DCtx => new (zstdBinding<ZstdBinding & { DCtx: new () => DCtx }>().DCtx)();
const NO_INPUT = new Uint8Array(0);

/**
 * Decodes zstd frames (concatenated frames and skippable frames accepted, as libzstd does). zstd-napi's own
 * DecompressStream is not used: its transform decodes a whole input chunk at once, however much output that makes
 * (a 33 KB input holding 1 GiB of zeros took the process to 2.1 GB).
 */
export async function* decompressZstd(source: AsyncIterable<Uint8Array>, reuseOutput = false): AsyncGenerator<Buffer> {
  const dctx = newDCtx();
  const out = new PieceWriter(reuseOutput);
  let inFrame = false;
  for await (const piece of source) {
    let input = piece;
    while (input.byteLength > 0 || out.full) {
      if (out.full) {
        yield out.take();
        continue;
      }
      const space = out.space();
      const [hint, produced, consumed] = dctx.decompressStream(space, input);
      if (produced === 0 && consumed === 0)
        throw new CodecError("CORRUPT_INPUT", "zstd: the decoder made no progress on its input");
      out.wrote(produced);
      input = input.subarray(consumed);
      inFrame = hint !== 0;
      // Output space left over with the input used up: the context holds nothing more to flush for now.
      if (input.byteLength === 0 && produced < space.length) break;
    }
  }
  // A full piece at the end may still have output behind it in the context (the frame's last bytes).
  while (inFrame) {
    if (out.full) yield out.take();
    const space = out.space();
    const [hint, produced] = dctx.decompressStream(space, NO_INPUT);
    out.wrote(produced);
    inFrame = hint !== 0;
    if (produced < space.length) break;
  }
  const rest = out.rest();
  if (rest) yield rest;
  if (inFrame) throw new CodecError("TRUNCATED_INPUT", "zstd: compressed input ends in the middle of a zstd frame");
}
