// Checks that decoded xz input really ended with a complete stream: the last non-padding bytes must be a valid
// xz stream footer (CRC32 over backward size + flags, then the magic "YZ"). The liblzma bindings stay silent
// when input stops mid-stream, so this is the truncation check for xz.

import { CodecError } from "../codec-error.js";
import { crc32 } from "node:zlib";

const FOOTER_SIZE = 12;

/** Remembers the tail of a byte stream (enough to find the footer behind stream padding). */
export class StreamTail {
  #tail: Buffer = Buffer.alloc(0);
  #limit: number;

  constructor(limit = 4096) {
    this.#limit = limit;
  }

  /** Keeps the last `limit` bytes seen; copies at most that much (a piece is never copied whole). */
  push(piece: Uint8Array): void {
    if (piece.byteLength >= this.#limit) {
      this.#tail = Buffer.from(piece.subarray(piece.byteLength - this.#limit));
      return;
    }
    const keep = this.#tail.subarray(Math.max(0, this.#tail.length - (this.#limit - piece.byteLength)));
    this.#tail = Buffer.concat([keep, piece]);
  }

  bytes(): Buffer {
    return this.#tail;
  }
}

export function assertCompleteXzStream(tail: Buffer, codecName: string): void {
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0) end--;
  const footer = tail.subarray(end - FOOTER_SIZE, end);
  const complete =
    end >= FOOTER_SIZE &&
    (tail.length - end) % 4 === 0 &&
    footer[10] === 0x59 &&
    footer[11] === 0x5a &&
    footer.readUInt32LE(0) === crc32(footer.subarray(4, 10));
  if (!complete) {
    throw new CodecError(
      "TRUNCATED_INPUT",
      `${codecName}: compressed input does not end with a complete xz stream footer; the file is truncated or damaged`,
    );
  }
}
