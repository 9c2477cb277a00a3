// xz through `lzma-native` (bundled liblzma 5.2), the design's original choice, kept as an alternative backend.
// Its easy encoder treats preset 0 as 6 (`preset || default`), so this backend passes the preset through an
// explicit LZMA2 filter chain instead, which honours every level 0-9. Decoding drives its native stream directly,
// a few hundred input bytes per call, so no call makes more than a few MiB of output.

import type { Transform } from "node:stream";
import type { Codec } from "../codec.js";
import { CodecError } from "../codec-error.js";
import { throughNodeTransform, TRANSFORM_OUTPUT_CHUNK } from "../node-transform.js";
import { PieceWriter } from "../output-limit.js";
import { checkedXzDecode } from "./node-liblzma.js";
import { packageRequire as require } from "../package-files.js";

/** lzma-native's native coder under its Transform: `code` runs liblzma over all of one input piece at once. */
interface NativeLzmaStream {
  code(chunk: Buffer | null, async: boolean): void;
  /** Called per output buffer, then with buf null at the stream's end or with an error, then with processed counts. */
  bufferHandler: (
    buf: Buffer | null | undefined,
    processedChunks: number | undefined,
    error: Error | null | undefined,
  ) => void;
  resetUnderlying(): void;
}

interface LzmaNative {
  createStream(coder: string, options: Record<string, unknown>): Transform & { nativeStream: NativeLzmaStream };
  FILTER_LZMA2: unknown;
  CHECK_CRC64: number;
  CONCATENATED: number;
}

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

/**
 * Input bytes per native call when decoding. liblzma's best ratio is about 7,000:1 (1 GiB of zeros is 153 KB at
 * -6), so 1 KiB decodes to at most ~7 MiB; at 512 bytes the cost per call made decoding ~1.5x slower. Its
 * Transform instead runs each 64 KiB input piece to the end on a libuv thread and queues all the output (a 156 KB
 * bomb of 1 GiB of zeros: 1.08 GB RSS).
 */
export const LZMA_NATIVE_FEED_BYTES = 1024;
/** Its output buffer per call, zero-filled by every call (std::vector), so small: 1 MiB made decoding 2.5x slower. */
const NATIVE_CALL_OUTPUT_BUFFER = 64 * 1024;

async function* decodeLzmaNative(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const lib = lzmaNative();
  const native = lib.createStream("streamDecoder", {
    flags: lib.CONCATENATED,
    bufsize: NATIVE_CALL_OUTPUT_BUFFER,
    synchronous: true,
  }).nativeStream;
  const ready: Buffer[] = [];
  let failure: Error | undefined;
  let streamEnded = false;
  native.bufferHandler = (buf, _processed, error) => {
    if (error) failure ??= error;
    else if (buf === null) streamEnded = true;
    else if (buf) ready.push(buf);
  };
  const out = new PieceWriter();
  // Moves queued output into 1 MiB pieces; yields the full ones (the small buffers of one call are copied in).
  const drain = function* (): Generator<Buffer> {
    if (failure) throw failure;
    while (ready.length > 0) {
      let buf = ready.shift() as Buffer;
      while (buf.length > 0) {
        const space = out.space();
        const n = Math.min(space.length, buf.length);
        space.set(buf.subarray(0, n));
        out.wrote(n);
        buf = buf.subarray(n);
        if (out.full) yield out.take();
      }
    }
  };
  try {
    for await (const piece of source) {
      const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      for (let offset = 0; offset < bytes.length; offset += LZMA_NATIVE_FEED_BYTES) {
        if (streamEnded) throw new CodecError("TRAILING_DATA", "xz: bytes follow the end of the xz stream");
        native.code(bytes.subarray(offset, offset + LZMA_NATIVE_FEED_BYTES), false);
        yield* drain();
      }
    }
    if (!streamEnded) native.code(null, false);
    yield* drain();
  } finally {
    native.resetUnderlying();
  }
  const rest = out.rest();
  if (rest) yield rest;
}

export const lzmaNativeCodec: Codec = {
  name: "xz",
  backend: "lzma-native",
  extension: ".xz",
  levels: { min: 0, max: 9, default: 6 },
  concatenable: true,
  nativeThreads: true,
  releasesInput: true, // throughNodeTransform waits until the transform has consumed each piece
  compress:
    ({ level, threads }) =>
    (source) =>
      throughNodeTransform(source, encoder(level, threads), { codecName: "xz" }),
  decompress: () => (source) => checkedXzDecode(source, decodeLzmaNative),
};
