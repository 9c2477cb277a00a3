// A bzip2 decoder whose output is resumable: it decodes one block's entropy stage (bounded by the block size,
// at most 900k symbols) and then writes the block's bytes into whatever output space the caller gives, pausing there.

import { CodecError } from "../codec-error.js";

// Follows the format as libbzip2 and micro-bunzip (Rob Landley; the base of unbzip2-stream's bzip2.js) read it:
// per stream "BZh" + block size digit; per block a 48-bit magic, CRC, origPtr, symbol map, Huffman tables, MTF/RLE2
// symbols; then the inverse BWT and the RLE1 run expansion, where one block can expand to about 46 MB.

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const MAX_SYMBOLS = 258;
const MAX_CODE_BITS = 20;
const GROUP_SIZE = 50;
const _MAX_BLOCK = 900_000;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c;
  }
  return table;
})();

/** Thrown inside a parse step when the buffered input ends first; the step is retried with more input. */
const NEED_INPUT = Symbol("bzip2 needs more input");

export function corrupt(detail: string): CodecError {
  return new CodecError("CORRUPT_INPUT", `bzip2: compressed input is not valid bzip2 data (${detail})`);
}

/** A stream's CRC so far with one more block's CRC: the format's combination (rotate left by one, then xor). */
export function combineStreamCrc(streamCrc: number, blockCrc: number): number {
  return (((streamCrc << 1) | (streamCrc >>> 31)) ^ blockCrc) | 0;
}

interface HuffmanGroup {
  readonly permute: Int32Array;
  readonly limit: Int32Array;
  readonly base: Int32Array;
  minLen: number;
  maxLen: number;
}

type Phase = "stream-header" | "block-header" | "output" | "finished";

/**
 * Where a decoder starts when it takes over from the block-parallel decoder (bzip2-block-decode.ts): at the block
 * whose magic begins `skipBits` bits into the first byte pushed, in a stream of block size `level` whose blocks so
 * far combine to `streamCrc`; or where a further stream may begin, after at least one whole stream.
 */
export type Bzip2ResumePoint =
  | { readonly level: number; readonly streamCrc: number; readonly skipBits: number }
  | "between-streams";

export class Bzip2Decoder {
  // Input: `data` from `pos` (bit reader state in bitBuf/bitCount), plus pieces not joined yet.
  #data: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #bitBuf = 0;
  #bitCount = 0;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #ended = false;
  /** Buffered input bytes below which a block is not attempted before the input ends (grows after a miss). */
  #want = 0;

  #phase: Phase = "stream-header";
  #blockSizeMax = 0;
  #streamCrc = 0;
  #tt = new Int32Array(0);
  readonly #byteCount = new Int32Array(256);
  readonly #symToByte = new Uint8Array(256);
  readonly #mtf = new Uint8Array(256);
  readonly #selectors = new Uint8Array(32768);
  readonly #groups: HuffmanGroup[] = Array.from({ length: MAX_GROUPS }, () => ({
    permute: new Int32Array(MAX_SYMBOLS),
    limit: new Int32Array(MAX_CODE_BITS + 2),
    base: new Int32Array(MAX_CODE_BITS + 2),
    minLen: 0,
    maxLen: 0,
  }));

  // Output state of the current block.
  #blockCrc = 0;
  #crc = 0;
  #tPos = 0;
  #left = 0;
  #last = -1;
  #run = 0;
  #copies = 0;
  #skipBits = 0;

  /** Whether a whole stream came before (so input may end here, and other bytes are trailing data). */
  #afterStream = false;

  constructor(resume?: Bzip2ResumePoint) {
    if (!resume) return;
    this.#afterStream = true;
    if (resume === "between-streams") return;
    this.#startStream(resume.level);
    this.#streamCrc = resume.streamCrc | 0;
    this.#skipBits = resume.skipBits;
  }

  push(piece: Uint8Array): void {
    if (piece.byteLength === 0) return;
    this.#pending.push(piece);
    this.#pendingBytes += piece.byteLength;
  }

  end(): void {
    this.#ended = true;
  }

  get finished(): boolean {
    return this.#phase === "finished";
  }

  /**
   * Writes decoded bytes into `out` and returns how many. Fewer than `out.length` means the decoder needs more
   * input (push or end) — or is finished. Throws CodecError on corrupt or truncated input.
   */
  decode(out: Uint8Array): number {
    let written = 0;
    while (written < out.length) {
      if (this.#phase === "output") {
        written += this.#writeBlock(out, written);
        if (this.#left === 0 && this.#copies === 0) this.#endBlock();
        continue;
      }
      if (this.#phase === "finished") break;
      if (!this.#step()) break;
    }
    return written;
  }

  /** Runs one parse step (stream header, or block header plus entropy stage); false when it needs input first. */
  #step(): boolean {
    const buffered = this.#data.length - this.#pos + this.#pendingBytes;
    if (this.#phase === "stream-header" && buffered === 0 && this.#bitCount < 8) {
      if (!this.#ended) return false;
      if (!this.#afterStream) throw new CodecError("TRUNCATED_INPUT", "bzip2: compressed input is empty");
      this.#phase = "finished";
      return true;
    }
    if (!this.#ended && buffered < this.#want) return false;
    this.#join();
    if (this.#skipBits > 0 && this.#pos < this.#data.length) {
      this.#bitBuf = this.#data[this.#pos++] as number;
      this.#bitCount = 8 - this.#skipBits;
      this.#skipBits = 0;
    }
    const saved = [this.#pos, this.#bitBuf, this.#bitCount] as const;
    try {
      if (this.#phase === "stream-header") this.#readStreamHeader();
      else this.#readBlock();
      return true;
    } catch (error) {
      if (error !== NEED_INPUT) throw error;
      [this.#pos, this.#bitBuf, this.#bitCount] = saved;
      if (this.#ended) {
        throw new CodecError("TRUNCATED_INPUT", "bzip2: compressed input ends before its stream is complete");
      }
      // Retry once twice as much input is buffered, so a block is parsed about once whatever the piece size.
      this.#want = Math.max(2 * buffered, 64 * 1024);
      return false;
    }
  }

  #join(): void {
    if (this.#pending.length === 0) return;
    const rest = this.#data.subarray(this.#pos);
    const joined = new Uint8Array(rest.length + this.#pendingBytes);
    joined.set(rest, 0);
    let offset = rest.length;
    for (const piece of this.#pending) {
      joined.set(piece, offset);
      offset += piece.byteLength;
    }
    this.#data = joined;
    this.#pos = 0;
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #bits(n: number): number {
    while (this.#bitCount < n) {
      if (this.#pos >= this.#data.length) throw NEED_INPUT;
      this.#bitBuf = (this.#bitBuf << 8) | (this.#data[this.#pos++] as number);
      this.#bitCount += 8;
    }
    this.#bitCount -= n;
    return (this.#bitBuf >>> this.#bitCount) & ((1 << n) - 1);
  }

  #bit(): number {
    if (this.#bitCount === 0) {
      if (this.#pos >= this.#data.length) throw NEED_INPUT;
      this.#bitBuf = this.#data[this.#pos++] as number;
      this.#bitCount = 8;
    }
    this.#bitCount -= 1;
    return (this.#bitBuf >>> this.#bitCount) & 1;
  }

  #readStreamHeader(): void {
    const b = this.#bits(8);
    const z = this.#bits(8);
    const h = this.#bits(8);
    const level = this.#bits(8) - 0x30;
    if (b !== 0x42 || z !== 0x5a || h !== 0x68 || level < 1 || level > 9) {
      throw corrupt(
        !this.#afterStream ? "no bzip2 stream header" : "bytes after the end of a bzip2 stream are not another stream",
      );
    }
    this.#startStream(level);
  }

  #startStream(level: number): void {
    this.#afterStream = true;
    this.#blockSizeMax = level * 100_000;
    if (this.#tt.length < this.#blockSizeMax) this.#tt = new Int32Array(this.#blockSizeMax);
    this.#streamCrc = 0;
    this.#phase = "block-header";
    this.#want = this.#blockSizeMax + 25_000;
  }

  #readBlock(): void {
    const hi = this.#bits(24);
    const lo = this.#bits(24);
    const crc = this.#bits(16) * 0x10000 + this.#bits(16);
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      if ((crc | 0) !== (this.#streamCrc | 0)) throw corrupt("stream CRC mismatch");
      this.#bitCount -= this.#bitCount % 8; // streams are byte-aligned
      this.#phase = "stream-header";
      this.#want = 0;
      return;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw corrupt("bad block magic");
    if (this.#bit()) throw corrupt("randomised blocks (bzip2 < 0.9.5) are not supported");
    const origPtr = this.#bits(24);

    // Symbol map: which byte values occur in the block.
    const used = this.#bits(16);
    let symTotal = 0;
    for (let i = 0; i < 16; i++) {
      if (used & (1 << (15 - i))) {
        const bitsOfRange = this.#bits(16);
        for (let j = 0; j < 16; j++) if (bitsOfRange & (1 << (15 - j))) this.#symToByte[symTotal++] = i * 16 + j;
      }
    }
    if (symTotal === 0) throw corrupt("block uses no symbols");
    const groupCount = this.#bits(3);
    if (groupCount < 2 || groupCount > MAX_GROUPS) throw corrupt("bad Huffman group count");
    const selectorCount = this.#bits(15);
    if (selectorCount === 0) throw corrupt("no selectors");
    const mtfGroups = [0, 1, 2, 3, 4, 5];
    for (let i = 0; i < selectorCount; i++) {
      let j = 0;
      while (this.#bit()) {
        j++;
        if (j >= groupCount) throw corrupt("bad selector");
      }
      const group = mtfGroups[j] as number;
      for (let k = j; k > 0; k--) mtfGroups[k] = mtfGroups[k - 1] as number;
      mtfGroups[0] = group;
      this.#selectors[i] = group;
    }

    const symCount = symTotal + 2;
    const length = new Uint8Array(MAX_SYMBOLS);
    const temp = new Int32Array(MAX_CODE_BITS + 2);
    for (let g = 0; g < groupCount; g++) {
      let len = this.#bits(5);
      for (let i = 0; i < symCount; i++) {
        for (;;) {
          if (len < 1 || len > MAX_CODE_BITS) throw corrupt("bad Huffman code length");
          if (!this.#bit()) break;
          len += this.#bit() ? -1 : 1;
        }
        length[i] = len;
      }
      let minLen = 32;
      let maxLen = 0;
      for (let i = 0; i < symCount; i++) {
        const l = length[i] as number;
        if (l > maxLen) maxLen = l;
        if (l < minLen) minLen = l;
      }
      const group = this.#groups[g] as HuffmanGroup;
      group.minLen = minLen;
      group.maxLen = maxLen;
      let pp = 0;
      for (let l = minLen; l <= maxLen; l++)
        for (let s = 0; s < symCount; s++) if (length[s] === l) group.permute[pp++] = s;
      temp.fill(0);
      for (let i = 0; i < symCount; i++) temp[length[i] as number]! += 1;
      group.limit.fill(0);
      group.base.fill(0);
      pp = 0;
      let t = 0;
      for (let l = minLen; l < maxLen; l++) {
        pp += temp[l] as number;
        group.limit[l] = pp - 1;
        pp <<= 1;
        t += temp[l] as number;
        group.base[l + 1] = pp - t;
      }
      group.limit[maxLen] = pp + (temp[maxLen] as number) - 1;
      group.base[minLen] = 0;
    }

    // Entropy stage: Huffman symbols, RUNA/RUNB runs and move-to-front into tt.
    const tt = this.#tt;
    const limitCount = this.#blockSizeMax;
    const byteCount = this.#byteCount;
    byteCount.fill(0);
    const mtf = this.#mtf;
    for (let i = 0; i < 256; i++) mtf[i] = i;
    let count = 0;
    let runPos = 0;
    let run = 0;
    let selector = 0;
    let groupLeft = 0;
    let group = this.#groups[0] as HuffmanGroup;
    for (;;) {
      if (groupLeft === 0) {
        if (selector >= selectorCount) throw corrupt("ran out of selectors");
        group = this.#groups[this.#selectors[selector++] as number] as HuffmanGroup;
        groupLeft = GROUP_SIZE;
      }
      groupLeft--;
      let l = group.minLen;
      let code = this.#bits(l);
      while (code > (group.limit[l] as number)) {
        l++;
        if (l > group.maxLen) throw corrupt("bad Huffman code");
        code = (code << 1) | this.#bit();
      }
      const index = code - (group.base[l] as number);
      if (index < 0 || index >= symCount) throw corrupt("bad Huffman code");
      const sym = group.permute[index] as number;
      if (sym <= 1) {
        if (runPos === 0) {
          runPos = 1;
          run = 0;
        }
        run += sym === 0 ? runPos : 2 * runPos;
        runPos *= 2;
        if (run > limitCount) throw corrupt("run longer than the block");
        continue;
      }
      if (runPos !== 0) {
        runPos = 0;
        if (count + run > limitCount) throw corrupt("block longer than its stream's block size");
        const value = this.#symToByte[mtf[0] as number] as number;
        byteCount[value]! += run;
        tt.fill(value, count, count + run);
        count += run;
      }
      if (sym > symTotal) break; // end of block
      if (count >= limitCount) throw corrupt("block longer than its stream's block size");
      const position = sym - 1;
      const chosen = mtf[position] as number;
      mtf.copyWithin(1, 0, position);
      mtf[0] = chosen;
      const value = this.#symToByte[chosen] as number;
      byteCount[value]! += 1;
      tt[count++] = value;
    }
    if (origPtr >= count) throw corrupt("origPtr outside the block");

    // Inverse BWT: link each position to the next in the original order (tt[i] >> 8), bytes in the low 8 bits.
    let sum = 0;
    for (let i = 0; i < 256; i++) {
      const next = sum + (byteCount[i] as number);
      byteCount[i] = sum;
      sum = next;
    }
    for (let i = 0; i < count; i++) {
      const value = (tt[i] as number) & 0xff;
      tt[byteCount[value] as number]! |= i << 8;
      byteCount[value]! += 1;
    }
    this.#blockCrc = crc | 0;
    this.#crc = -1;
    this.#tPos = (tt[origPtr] as number) >>> 8;
    this.#left = count;
    this.#last = -1;
    this.#run = 0;
    this.#copies = 0;
    this.#phase = "output";
    this.#want = 0;
  }

  /** Writes the current block's bytes (inverse BWT walk and RLE1 runs) into out from `at`; returns how many. */
  #writeBlock(out: Uint8Array, at: number): number {
    const tt = this.#tt;
    let crc = this.#crc;
    let tPos = this.#tPos;
    let left = this.#left;
    let last = this.#last;
    let run = this.#run;
    let copies = this.#copies;
    let o = at;
    const end = out.length;
    while (o < end) {
      if (copies > 0) {
        const n = Math.min(copies, end - o);
        out.fill(last, o, o + n);
        for (let k = 0; k < n; k++) crc = (crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ last) & 0xff] as number);
        o += n;
        copies -= n;
        continue;
      }
      if (left === 0) break;
      tPos = tt[tPos] as number;
      const value = tPos & 0xff;
      tPos >>>= 8;
      left--;
      if (run === 4) {
        copies = value;
        run = 0;
        continue;
      }
      if (value === last) run++;
      else {
        last = value;
        run = 1;
      }
      out[o++] = value;
      crc = (crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ value) & 0xff] as number);
    }
    this.#crc = crc;
    this.#tPos = tPos;
    this.#left = left;
    this.#last = last;
    this.#run = run;
    this.#copies = copies;
    return o - at;
  }

  #endBlock(): void {
    const crc = ~this.#crc;
    if (crc !== this.#blockCrc) throw corrupt("block CRC mismatch");
    this.#streamCrc = combineStreamCrc(this.#streamCrc, crc);
    this.#phase = "block-header";
    this.#want = this.#blockSizeMax + 25_000;
  }
}
