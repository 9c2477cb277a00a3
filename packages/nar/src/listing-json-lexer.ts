// Byte-level JSON lexer for `.ls` listings: strict RFC 8259 tokens one at a time, strings decoded to raw bytes.
// It never recurses and never builds containers; the listing parser above it keeps the nesting on an explicit stack.

/** Called with the byte offset and the rule broken; must throw. */
export type LexerFailure = (offset: number, rule: string) => never;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Reads JSON tokens from `bytes`; `position` is the offset of the next unread byte. */
export class ListingJsonLexer {
  position = 0;

  constructor(
    readonly bytes: Buffer,
    private readonly fail: LexerFailure,
  ) {
    this.stringBuffer = bytes;
  }

  /** Skip JSON whitespace and return the next byte without consuming it, or -1 at the end of the input. */
  peek(): number {
    const bytes = this.bytes;
    let position = this.position;
    while (position < bytes.length) {
      const byte = bytes[position]!;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
      position++;
    }
    this.position = position;
    return position < bytes.length ? bytes[position]! : -1;
  }

  /** Consume the structural byte `peek()` just returned. */
  advance(): void {
    this.position++;
  }

  /** Consume `byte` (after whitespace) or fail naming what was expected. */
  expect(byte: number, expected: string): void {
    const next = this.peek();
    if (next !== byte) this.fail(this.position, `expected ${expected}, found ${describeByte(next)}`);
    this.position++;
  }

  /** Where the last string read by `readStringRange` lies: `stringBuffer[stringStart, stringEnd)`, escapes decoded. */
  stringBuffer: Buffer;
  stringStart = 0;
  stringEnd = 0;
  /** Offset of the first byte of the last token read by `readStringRange` or `readNumber`. */
  tokenStart = 0;

  /**
   * Read the string starting at the current '"' and return its decoded bytes (UTF-8 for escapes, raw bytes
   * otherwise, so non-UTF-8 names survive as they do in NARs). Without escapes the result shares `bytes`.
   */
  readString(): Buffer {
    this.readStringRange();
    return this.stringBuffer.subarray(this.stringStart, this.stringEnd);
  }

  /** Read the string at the current '"' into stringBuffer/stringStart/stringEnd, copying only when it has escapes. */
  readStringRange(): void {
    const bytes = this.bytes;
    this.tokenStart = this.position;
    const start = this.position + 1;
    let position = start;
    let escapes = false;
    for (;;) {
      if (position >= bytes.length) this.fail(this.position, "unterminated string");
      const byte = bytes[position]!;
      if (byte === QUOTE) break;
      if (byte < 0x20) this.fail(position, `control character ${describeByte(byte)} must be escaped inside a string`);
      if (byte === BACKSLASH) {
        escapes = true;
        position += 2;
      } else {
        position++;
      }
    }
    this.position = position + 1;
    if (escapes) {
      this.stringBuffer = this.decodeEscapes(start, position);
      this.stringStart = 0;
      this.stringEnd = this.stringBuffer.length;
    } else {
      this.stringBuffer = bytes;
      this.stringStart = start;
      this.stringEnd = position;
    }
  }

  /** True when the last string read by `readStringRange` is exactly the ASCII bytes `ascii`. */
  stringEquals(ascii: Uint8Array): boolean {
    if (this.stringEnd - this.stringStart !== ascii.length) return false;
    const buffer = this.stringBuffer;
    const start = this.stringStart;
    for (let index = 0; index < ascii.length; index++) if (buffer[start + index] !== ascii[index]) return false;
    return true;
  }

  /** Decode the string body bytes[start, end), which contains escapes; the output is never longer than the input. */
  private decodeEscapes(start: number, end: number): Buffer {
    const bytes = this.bytes;
    const output = Buffer.allocUnsafe(end - start);
    let length = 0;
    let position = start;
    while (position < end) {
      const byte = bytes[position]!;
      if (byte !== BACKSLASH) {
        output[length++] = byte;
        position++;
        continue;
      }
      const escapeByte = bytes[position + 1]!;
      const simple = SIMPLE_ESCAPES[escapeByte];
      if (simple !== undefined) {
        output[length++] = simple;
        position += 2;
        continue;
      }
      if (escapeByte !== 0x75 /* u */) this.fail(position, `invalid escape \\${describeRaw(escapeByte)} in a string`);
      let codePoint = this.readHex4(position, end);
      position += 6;
      if (codePoint >= 0xdc00 && codePoint <= 0xdfff)
        this.fail(position - 6, `lone low surrogate \\u${hex4(codePoint)} in a string`);
      if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
        const low = bytes[position] === BACKSLASH && bytes[position + 1] === 0x75 ? this.readHex4(position, end) : -1;
        if (low < 0xdc00 || low > 0xdfff)
          this.fail(position - 6, `high surrogate \\u${hex4(codePoint)} not followed by a low surrogate in a string`);
        codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (low - 0xdc00);
        position += 6;
      }
      length += output.write(String.fromCodePoint(codePoint), length, "utf8");
    }
    return output.subarray(0, length);
  }

  /** The four hex digits of the \u escape at `position`. */
  private readHex4(position: number, end: number): number {
    if (position + 6 > end) this.fail(position, "truncated \\u escape in a string");
    let value = 0;
    for (let index = position + 2; index < position + 6; index++) {
      const digit = HEX_VALUES[this.bytes[index]!];
      if (digit === undefined)
        this.fail(position, `invalid \\u escape in a string: ${describeRaw(this.bytes[index]!)} is not a hex digit`);
      value = value * 16 + digit;
    }
    return value;
  }

  /**
   * Read a JSON number at the current position. Returns its value when written as plain digits (no sign, fraction
   * or exponent; values above 2^53 come out rounded but still above Number.MAX_SAFE_INTEGER), else -1.
   * `numberText()` gives the text as written.
   */
  readNumber(): number {
    const bytes = this.bytes;
    const start = this.position;
    this.tokenStart = start;
    let position = start;
    let value = 0;
    let plain = true;
    if (bytes[position] === 0x2d /* - */) {
      plain = false;
      position++;
    }
    if (bytes[position] === 0x30 /* 0 */) {
      position++;
    } else if (isDigit(bytes[position])) {
      while (isDigit(bytes[position])) value = value * 10 + (bytes[position++]! - 0x30);
    } else {
      this.fail(
        position,
        `invalid number: expected a digit, found ${describeByte(position < bytes.length ? bytes[position]! : -1)}`,
      );
    }
    if (bytes[position] === 0x2e /* . */) {
      plain = false;
      position++;
      if (!isDigit(bytes[position])) this.fail(position, "invalid number: expected a digit after '.'");
      while (isDigit(bytes[position])) position++;
    }
    if (bytes[position] === 0x65 || bytes[position] === 0x45 /* e E */) {
      plain = false;
      position++;
      if (bytes[position] === 0x2b || bytes[position] === 0x2d) position++;
      if (!isDigit(bytes[position])) this.fail(position, "invalid number: expected a digit in the exponent");
      while (isDigit(bytes[position])) position++;
    }
    this.position = position;
    return plain ? value : -1;
  }

  /** The text of the last number read, as written (cut when very long). */
  numberText(): string {
    const length = this.position - this.tokenStart;
    const text = this.bytes.toString("latin1", this.tokenStart, this.tokenStart + Math.min(length, 32));
    return length > 32 ? `${text}... (${length} characters)` : text;
  }

  /** Read `true`, `false` or `null`. */
  readLiteral(): boolean | null {
    const next = this.bytes[this.position];
    for (const [text, value] of LITERALS) {
      if (
        next === text.charCodeAt(0) &&
        this.bytes.toString("latin1", this.position, this.position + text.length) === text
      ) {
        this.position += text.length;
        return value;
      }
    }
    return this.fail(this.position, `expected a JSON value, found ${describeByte(next ?? -1)}`);
  }
}

const LITERALS: ReadonlyArray<readonly [string, boolean | null]> = [
  ["true", true],
  ["false", false],
  ["null", null],
];

const SIMPLE_ESCAPES: Record<number, number> = Object.assign(Object.create(null) as Record<number, number>, {
  34: 0x22,
  92: 0x5c,
  47: 0x2f,
  98: 0x08,
  102: 0x0c,
  110: 0x0a,
  114: 0x0d,
  116: 0x09,
});

const HEX_VALUES: Record<number, number> = Object.create(null) as Record<number, number>;
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUES[digit.toString(16).charCodeAt(0)] = digit;
  HEX_VALUES[digit.toString(16).toUpperCase().charCodeAt(0)] = digit;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, "0");
}

/** A raw byte for an error message: printable ASCII as itself, anything else as \xNN. */
function describeRaw(byte: number): string {
  return byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
}

/** The byte found where something else was expected, for an error message. */
export function describeByte(byte: number): string {
  if (byte < 0) return "the end of the input";
  return byte > 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}
