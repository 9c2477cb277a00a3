// Decodes bzip2 a block at a time, several blocks at once: Bzip2BlockSplitter cuts the input into blocks, each is
// decoded whole by a native one-block decoder (libbz2 on libuv's thread pool), and the outputs come back in input
// order. Bzip2Decoder, our sequential decoder with resumable output, is the authority wherever a guess fails:
// - a block that would expand past NATIVE_BLOCK_OUTPUT_BYTES (runs: up to ~46 MB from one 900k block) is decoded by
//   it, a piece at a time as the consumer pulls, so memory stays bounded whatever the expansion;
// - a block the native decoder refuses (corrupt, truncated, or cut at a magic inside another block's bits) and input
//   the splitter does not cut hand the whole rest of the input to it, which reads it exactly as it would have from
//   the start: the same output, or the error that names what is wrong.
// Besides the CRC of each block (checked by the decoder that decodes it), each stream's combined CRC is checked here.

import { DECODED_PIECE_BYTES, PieceWriter } from "../output-limit.js";
import { Bzip2BlockSplitter, type Bzip2Unit } from "./bzip2-blocks.js";
import { Bzip2Decoder, type Bzip2ResumePoint, combineStreamCrc, corrupt } from "./bzip2-decoder.js";

/** Decodes a one-block bzip2 stream whole; fails (any error) if its output would pass `maxOutputBytes`. */
export type DecodeWholeBlock = (stream: Uint8Array, maxOutputBytes: number) => Promise<Buffer>;

/**
 * The most output one native block decode may produce (8 MiB); a 900k block of ordinary data gives about 1 MB.
 * With `blocksInFlight` decodes running, this bounds the decoded output held ahead of the consumer.
 */
export const NATIVE_BLOCK_OUTPUT_BYTES = 8 << 20;

type Settled = { ok: true; output: Buffer } | { ok: false; error: unknown };

interface Queued {
  readonly unit: Bzip2Unit;
  readonly decoded?: Promise<Settled>;
}

/** Whether a native refusal means "expands too far" (decode it sequentially) rather than bad or mis-cut input. */
export type IsOutputLimitError = (error: unknown) => boolean;

function settle(promise: Promise<Buffer>): Promise<Settled> {
  return promise.then(
    (output) => ({ ok: true, output }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Runs a sequential decoder over `input`, yielding full pieces as the consumer pulls. */
async function* drain(decoder: Bzip2Decoder, input: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  const out = new PieceWriter();
  for (;;) {
    out.wrote(decoder.decode(out.space()));
    if (out.full) {
      yield out.take();
      continue;
    }
    if (decoder.finished) break;
    const next = await input.next();
    if (next.done) decoder.end();
    else decoder.push(next.value);
  }
  const rest = out.rest();
  if (rest) yield rest;
}

async function* chain(first: Uint8Array[], then?: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* first;
  for (; then; ) {
    const next = await then.next();
    if (next.done) return;
    yield next.value;
  }
}

function* piecesOf(output: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < output.byteLength; offset += DECODED_PIECE_BYTES) {
    yield output.subarray(offset, offset + DECODED_PIECE_BYTES);
  }
}

export interface BlockDecodeOptions {
  readonly decodeWholeBlock: DecodeWholeBlock;
  readonly isOutputLimitError: IsOutputLimitError;
  /** Native block decodes running at once (each holds at most NATIVE_BLOCK_OUTPUT_BYTES of output). */
  readonly blocksInFlight: number;
}

export async function* decodeBzip2Blocks(
  source: AsyncIterable<Uint8Array>,
  options: BlockDecodeOptions,
): AsyncGenerator<Buffer> {
  const splitter = new Bzip2BlockSplitter();
  const input = source[Symbol.asyncIterator]();
  const queue: Queued[] = [];
  let inFlight = 0;
  let cutting = true;
  let streamCrc = 0;
  let level = 0;

  /** The sequential decoder from `point` over the queued units' bytes and then the input not yet cut. */
  const sequentialFrom = (point: Bzip2ResumePoint | undefined, raw: Uint8Array[]) => {
    for (const queued of queue.splice(0)) raw.push(queued.unit.raw);
    if (cutting) raw.push(...splitter.takeRest());
    return drain(new Bzip2Decoder(point), chain(raw, input));
  };

  try {
    for (;;) {
      while (cutting && inFlight < options.blocksInFlight) {
        const unit = splitter.next();
        if (unit === "done") {
          cutting = false;
        } else if (unit === "more") {
          const next = await input.next();
          if (next.done) splitter.end();
          else splitter.push(next.value);
        } else if (unit.kind === "block") {
          inFlight++;
          queue.push({ unit, decoded: settle(options.decodeWholeBlock(unit.packed, NATIVE_BLOCK_OUTPUT_BYTES)) });
        } else {
          if (unit.kind === "rest") cutting = false;
          queue.push({ unit });
        }
      }
      const head = queue.shift();
      if (!head) return;
      const { unit } = head;
      switch (unit.kind) {
        case "stream-start":
          level = unit.level;
          streamCrc = 0;
          break;
        case "stream-end":
          if ((streamCrc | 0) !== (unit.crc | 0)) throw corrupt("stream CRC mismatch");
          break;
        case "rest": {
          const point: Bzip2ResumePoint | undefined =
            unit.at === "in-stream"
              ? { level, streamCrc, skipBits: unit.skipBits }
              : unit.at === "between-streams"
                ? "between-streams"
                : undefined;
          yield* sequentialFrom(point, [unit.raw]);
          return;
        }
        case "block": {
          const decoded = (await head.decoded) as Settled;
          inFlight--;
          if (decoded.ok) {
            yield* piecesOf(decoded.output);
          } else if (options.isOutputLimitError(decoded.error)) {
            yield* drain(new Bzip2Decoder(), chain([unit.packed]));
          } else {
            yield* sequentialFrom({ level, streamCrc, skipBits: unit.skipBits }, [unit.raw]);
            return;
          }
          streamCrc = combineStreamCrc(streamCrc, unit.crc);
          break;
        }
      }
    }
  } finally {
    // Decodes still running finish on the thread pool; their results are dropped.
    await input.return?.();
  }
}
