// Cuts bzip2 input (one stream or several concatenated) into its blocks without decoding them, so blocks can be
// decoded independently and in parallel (as lbzip2 does): each block starts with a 48-bit magic at any bit
// position, so the cut points are found by searching for the magic. A match inside a block's coded bits is possible
// (a real file can hold one by chance or on purpose); such a cut makes the block fail to decode, and the caller
// then decodes from there on sequentially (see bzip2-block-decode.ts), so a cut is a guess and never trusted.
//
// Each block is also repacked as a standalone one-block stream ("BZh" + level, the block's bits moved to a byte
// boundary, the end-of-stream magic and, as the stream CRC, the block's own CRC), which a whole-stream decoder
// (libbz2) decodes and checks against that CRC. The units partition the input: their `raw` bytes, in order, are
// the input again, so a caller can hand the rest of the input to a sequential decoder from any block.

const BLOCK_MAGIC = 0x314159265359n;
const END_MAGIC = 0x177245385090n;
const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAGIC_BITS = 48;
const CRC_BITS = 32;
const STREAM_HEADER_BYTES = 4;
/** Input pieces are joined into the search buffer at least this many bytes at a time. */
const MIN_JOIN_BYTES = 256 * 1024;

/**
 * The most coded bytes a block is allowed before it is handed to the sequential decoder instead: a 900k block of
 * symbols coded at 20 bits each, and its tables (the format's own bound, about 2.3 MB at level 9).
 */
const MAX_CODED_BLOCK_BYTES = 2_400_000;

export type Bzip2Unit =
  /** "BZh" and the block-size digit. */
  | { readonly kind: "stream-start"; readonly raw: Uint8Array; readonly level: number }
  /** One block: `packed` is it as a one-block stream; `raw` its bytes in the input, from the one holding its magic. */
  | {
      readonly kind: "block";
      readonly raw: Uint8Array;
      readonly skipBits: number;
      readonly packed: Uint8Array;
      readonly crc: number;
    }
  /** The end-of-stream magic, the stream's combined CRC and the padding to a byte boundary. */
  | { readonly kind: "stream-end"; readonly raw: Uint8Array; readonly crc: number }
  /**
   * Input the splitter does not cut (no magic where one must be, a block longer than any block can be, or input
   * ending inside a stream): the rest, for the sequential decoder, which reads it and reports what is wrong.
   * `at` says where it starts: at the input's start, after a whole stream, or inside a stream at a block magic
   * `skipBits` bits into its first byte.
   */
  | {
      readonly kind: "rest";
      readonly raw: Uint8Array;
      readonly at: "start" | "between-streams" | "in-stream";
      readonly skipBits: number;
    };

/**
 * The search looks at every third pair of bytes. A magic placed `shift` bits into a 7-byte window has whole bytes 1
 * to 5, so one of the pairs starting at window bytes 1, 2 and 3 is looked at. For each byte pair that can be such a
 * pair: codes of (its offset in the window, shift) to check, 16 * offset + shift.
 */
const PAIR_CANDIDATES = (() => {
  const table = new Map<number, number[]>();
  for (const magic of [BLOCK_MAGIC, END_MAGIC]) {
    for (let shift = 0; shift < 8; shift++) {
      const window = magic << BigInt(8 - shift);
      const byte = (k: number) => Number((window >> BigInt(8 * (6 - k))) & 0xffn);
      for (let offset = 1; offset <= 3; offset++) {
        const pair = (byte(offset) << 8) | byte(offset + 1);
        const codes = table.get(pair) ?? [];
        if (!codes.includes(16 * offset + shift)) codes.push(16 * offset + shift);
        table.set(pair, codes);
      }
    }
  }
  return table;
})();
const PAIR_MAY_MATCH = (() => {
  const flags = new Uint8Array(1 << 16);
  for (const pair of PAIR_CANDIDATES.keys()) flags[pair] = 1;
  return flags;
})();
const PAIR_STRIDE = 3;

/** `n` (at most 24) bits of `data` from bit `bit` (most significant first), bytes past the end read as zero. */
function bitsAt(data: Uint8Array, bit: number, n: number): number {
  const i = bit >>> 3;
  const word =
    (((data[i] ?? 0) << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0)) >>> 0;
  return (word >>> (32 - (bit & 7) - n)) & ((1 << n) - 1);
}

/** The 32-bit CRC that follows a magic at `bit`. */
function crcAfterMagic(data: Uint8Array, bit: number): number {
  return ((bitsAt(data, bit + MAGIC_BITS, 16) << 16) | bitsAt(data, bit + MAGIC_BITS + 16, 16)) >>> 0;
}

/** The block-size digit (1–9) of a stream header ("BZh1"–"BZh9") at byte `at`, else undefined. */
function streamHeaderLevel(d: Uint8Array, at: number): number | undefined {
  const level = (d[at + 3] as number) - 0x30;
  return d[at] === 0x42 && d[at + 1] === 0x5a && d[at + 2] === 0x68 && level >= 1 && level <= 9 ? level : undefined;
}

type Magic = "block" | "end" | undefined;

function magicAt(data: Uint8Array, bit: number): Magic {
  const hi = bitsAt(data, bit, 24);
  if (hi === BLOCK_MAGIC_HI) return bitsAt(data, bit + 24, 24) === BLOCK_MAGIC_LO ? "block" : undefined;
  if (hi === END_MAGIC_HI) return bitsAt(data, bit + 24, 24) === END_MAGIC_LO ? "end" : undefined;
  return undefined;
}

/** Writes bits most significant first into a growing byte array. */
class BitWriter {
  readonly #bytes: Uint8Array;
  #bit = 0;

  constructor(capacityBytes: number) {
    this.#bytes = new Uint8Array(capacityBytes);
  }

  write(value: number, n: number): void {
    for (let k = n - 1; k >= 0; k--) {
      if ((value >>> k) & 1)
        this.#bytes[this.#bit >>> 3] = (this.#bytes[this.#bit >>> 3] as number) | (0x80 >>> (this.#bit & 7));
      this.#bit++;
    }
  }

  /** Copies `count` bits of `data` from bit `from`; the writer must be at a byte boundary. */
  copyBits(data: Uint8Array, from: number, count: number): void {
    const wholeBytes = count >>> 3;
    const out = this.#bytes;
    const at = this.#bit >>> 3;
    const shift = from & 7;
    const first = from >>> 3;
    if (shift === 0) {
      out.set(data.subarray(first, first + wholeBytes), at);
    } else {
      const back = 8 - shift;
      let current = data[first] as number;
      for (let j = 0; j < wholeBytes; j++) {
        const next = data[first + j + 1] as number;
        out[at + j] = (current << shift) | (next >>> back);
        current = next;
      }
    }
    this.#bit += wholeBytes * 8;
    const tail = count & 7;
    if (tail > 0) this.write(bitsAt(data, from + wholeBytes * 8, tail), tail);
  }

  bytes(): Uint8Array {
    return this.#bytes.subarray(0, (this.#bit + 7) >>> 3);
  }
}

function packBlock(data: Uint8Array, startBit: number, endBit: number, level: number, crc: number): Uint8Array {
  const bits = endBit - startBit;
  const writer = new BitWriter(STREAM_HEADER_BYTES + ((bits + MAGIC_BITS + CRC_BITS) >>> 3) + 2);
  writer.write(0x425a68, 24);
  writer.write(0x30 + level, 8);
  writer.copyBits(data, startBit, bits);
  writer.write(END_MAGIC_HI, 24);
  writer.write(END_MAGIC_LO, 24);
  writer.write(crc >>> 16, 16);
  writer.write(crc & 0xffff, 16);
  return writer.bytes();
}

type State = "stream-header" | "in-stream" | "rest";

export class Bzip2BlockSplitter {
  #data: Uint8Array = new Uint8Array(0);
  /** Bit position in `#data` of the next unit: a stream header (byte-aligned) or a block / end-of-stream magic. */
  #bit = 0;
  /** How far (in bytes) the search for the magic after the current block's has looked without a match. */
  #searched = 0;
  #ended = false;
  #state: State = "stream-header";
  #level = 0;
  #streams = 0;

  /** Pieces not joined into `#data` yet: joined once they are as many bytes as are buffered, so copying stays linear. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  push(piece: Uint8Array): void {
    if (piece.byteLength === 0) return;
    this.#pending.push(piece);
    this.#pendingBytes += piece.byteLength;
  }

  end(): void {
    this.#ended = true;
    this.#join();
  }

  #join(): void {
    if (this.#pendingBytes === 0) return;
    const keep = this.#bit >>> 3;
    const joined = new Uint8Array(this.#data.length - keep + this.#pendingBytes);
    joined.set(this.#data.subarray(keep), 0);
    let offset = this.#data.length - keep;
    for (const piece of this.#pending) {
      joined.set(piece, offset);
      offset += piece.byteLength;
    }
    this.#data = joined;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#bit -= keep * 8;
    this.#searched = Math.max(0, this.#searched - keep);
  }

  /** The next unit, "more" when it needs input first, or "done" after the last stream's end. */
  next(): Bzip2Unit | "more" | "done" {
    for (;;) {
      const unit = this.#next();
      if (unit !== "more" || this.#pendingBytes < Math.max(MIN_JOIN_BYTES, this.#data.length - (this.#bit >>> 3))) {
        return unit;
      }
      this.#join();
    }
  }

  #next(): Bzip2Unit | "more" | "done" {
    switch (this.#state) {
      case "stream-header":
        return this.#streamHeader();
      case "in-stream":
        return this.#blockOrEnd();
      case "rest":
        return "done";
    }
  }

  #available(bytes: number): boolean {
    return this.#data.length - (this.#bit >>> 3) >= bytes;
  }

  #take(fromByte: number, toByte: number): Uint8Array {
    return this.#data.slice(fromByte, toByte);
  }

  /** The bytes not yet handed out in a unit (for a caller that stops cutting); the splitter is done after this. */
  takeRest(): Uint8Array[] {
    const rest = [this.#take(this.#bit >>> 3, this.#data.length), ...this.#pending];
    this.#state = "rest";
    this.#data = new Uint8Array(0);
    this.#bit = 0;
    this.#pending = [];
    this.#pendingBytes = 0;
    return rest;
  }

  #rest(): Bzip2Unit {
    const at = this.#state === "in-stream" ? "in-stream" : this.#streams > 0 ? "between-streams" : "start";
    const skipBits = this.#bit & 7;
    this.#join();
    return { kind: "rest", raw: this.takeRest()[0] as Uint8Array, at, skipBits };
  }

  #streamHeader(): Bzip2Unit | "more" | "done" {
    const at = this.#bit >>> 3;
    if (!this.#available(STREAM_HEADER_BYTES)) {
      if (!this.#ended) return "more";
      if (this.#data.length === at && this.#streams > 0) return "done";
      return this.#rest();
    }
    const level = streamHeaderLevel(this.#data, at);
    if (level === undefined) return this.#rest();
    this.#streams++;
    this.#level = level;
    this.#state = "in-stream";
    this.#bit += STREAM_HEADER_BYTES * 8;
    this.#searched = this.#bit >>> 3;
    return { kind: "stream-start", raw: this.#take(at, at + STREAM_HEADER_BYTES), level };
  }

  #blockOrEnd(): Bzip2Unit | "more" {
    const start = this.#bit;
    const needBytes = ((start & 7) + MAGIC_BITS + CRC_BITS + 7) >>> 3;
    if (!this.#available(needBytes)) return this.#ended ? this.#rest() : "more";
    const magic = magicAt(this.#data, start);
    if (magic === "end") {
      const end = this.#endOfStream(start);
      if (end === "more") return "more";
      if (end === undefined) return this.#rest();
      return end;
    }
    if (magic !== "block") return this.#rest();
    for (let from = start + MAGIC_BITS; ; ) {
      const cut = this.#nextMagic(from);
      if (cut === undefined) {
        if (this.#ended || this.#data.length - (start >>> 3) > MAX_CODED_BLOCK_BYTES) return this.#rest();
        return "more";
      }
      if (cut.magic === "end") {
        const plausible = this.#plausibleEnd(cut.bit);
        if (plausible === "more") return "more";
        if (!plausible) {
          from = cut.bit + 1;
          continue;
        }
      }
      if ((cut.bit >>> 3) - (start >>> 3) > MAX_CODED_BLOCK_BYTES) return this.#rest();
      const crc = crcAfterMagic(this.#data, start);
      this.#bit = cut.bit;
      this.#searched = cut.bit >>> 3;
      return {
        kind: "block",
        raw: this.#take(start >>> 3, cut.bit >>> 3),
        skipBits: start & 7,
        packed: packBlock(this.#data, start, cut.bit, this.#level, crc),
        crc,
      };
    }
  }

  /** The end-of-stream unit at `bit` if the bytes after it are a new stream or the input's end. */
  #endOfStream(bit: number): Bzip2Unit | "more" | undefined {
    const plausible = this.#plausibleEnd(bit);
    if (plausible !== true) return plausible === "more" ? "more" : undefined;
    const crc = crcAfterMagic(this.#data, bit);
    const next = (bit + MAGIC_BITS + CRC_BITS + 7) >>> 3;
    const unit: Bzip2Unit = { kind: "stream-end", raw: this.#take(bit >>> 3, next), crc };
    this.#bit = next * 8;
    this.#state = "stream-header";
    return unit;
  }

  /** Whether an end-of-stream magic at `bit` is followed (after its CRC and padding) by "BZh1"–"BZh9" or the end. */
  #plausibleEnd(bit: number): boolean | "more" {
    const next = (bit + MAGIC_BITS + CRC_BITS + 7) >>> 3;
    const d = this.#data;
    if (d.length === next) return this.#ended ? true : "more";
    if (d.length < next + STREAM_HEADER_BYTES) return this.#ended ? false : "more";
    return streamHeaderLevel(d, next) !== undefined;
  }

  /** The first block or end-of-stream magic at bit `from` or later whose whole 48 bits are buffered. */
  #nextMagic(from: number): { bit: number; magic: Magic } | undefined {
    const d = this.#data;
    // Bytes up to window byte 6 (pair position + 5) must be buffered to check a candidate.
    const last = d.length - 5;
    let p = Math.max(this.#searched, from >>> 3);
    for (; p < last; p += PAIR_STRIDE) {
      const pair = ((d[p] as number) << 8) | (d[p + 1] as number);
      if (PAIR_MAY_MATCH[pair] === 0) continue;
      let found: { bit: number; magic: Magic } | undefined;
      for (const code of PAIR_CANDIDATES.get(pair) as number[]) {
        const window = p - (code >>> 4);
        const bit = window * 8 + (code & 7);
        if (window < 0 || bit < from || (found && found.bit < bit)) continue;
        const magic = magicAt(d, bit);
        if (magic !== undefined) found = { bit, magic };
      }
      if (found) {
        this.#searched = found.bit >>> 3;
        return found;
      }
    }
    this.#searched = p;
    return undefined;
  }
}
