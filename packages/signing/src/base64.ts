// Base64 with the exact decoding rules Nix applies to keys and signatures: standard alphabet, stop at the first '=',
// skip '\n', refuse every other byte outside the alphabet (including '\r' and spaces). Encoding pads with '='.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const DIGIT_OF_CHAR: ReadonlyMap<string, number> = new Map([...ALPHABET].map((char, digit) => [char, digit]));

/** Result of {@link decodeBase64LikeNix}: the bytes, or the first character Nix would refuse and where it is. */
export type Base64Decoding =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly offset: number; readonly char: string };

/**
 * Decodes like Nix: characters after the first '=' are ignored, '\n' anywhere is skipped, leftover bits that do not
 * fill a byte are dropped. Any other non-alphabet character makes the whole input invalid.
 */
export function decodeBase64LikeNix(text: string): Base64Decoding {
  const bytes: number[] = [];
  let accumulator = 0;
  let bitCount = 0;
  for (let offset = 0; offset < text.length; offset++) {
    const char = text.charAt(offset);
    if (char === "=") break;
    if (char === "\n") continue;
    const digit = DIGIT_OF_CHAR.get(char);
    if (digit === undefined) return { ok: false, offset, char };
    accumulator = ((accumulator << 6) | digit) & 0xffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      bytes.push((accumulator >> bitCount) & 0xff);
    }
  }
  return { ok: true, bytes: Uint8Array.from(bytes) };
}

/** Standard Base64 with '=' padding, as Nix writes keys and signatures. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Describes a refused character for an error message without echoing the rest of the input. */
export function describeBadBase64Char(char: string, offset: number): string {
  return `character ${showChar(char)} at offset ${offset} is not in the standard Base64 alphabet (only '\\n' may appear between characters)`;
}

const NAMED_CHARS: ReadonlyMap<string, string> = new Map([
  ["\r", "'\\r'"],
  ["\t", "'\\t'"],
  [" ", "space"],
]);

function showChar(char: string): string {
  const code = char.charCodeAt(0);
  const hex = `0x${code.toString(16).padStart(2, "0")}`;
  const named = NAMED_CHARS.get(char);
  if (named !== undefined) return `${named} (${hex})`;
  return code >= 0x21 && code <= 0x7e ? `'${char}' (${hex})` : hex;
}
