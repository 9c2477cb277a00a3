// Base64 decoding with the leniency of Nix's own decoder (base-n.cc): decoding stops at the first '=', so missing
// padding and anything after the padding are accepted; '\n' is skipped; any other character outside the alphabet fails.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT_OF = new Map<string, number>([...ALPHABET].map((char, digit) => [char, digit]));

export type Base64NixResult = { ok: true; bytes: Buffer } | { ok: false; badCharacter: string; index: number };

/**
 * Decodes like Nix: 6 bits per character, a byte out whenever 8 bits are collected; leftover bits are dropped
 * (not checked to be zero). The caller checks the decoded length.
 */
export function decodeBase64AsNix(text: string): Base64NixResult {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === "=") break;
    if (char === "\n") continue;
    const digit = DIGIT_OF.get(char);
    if (digit === undefined) return { ok: false, badCharacter: char, index };
    value = ((value << 6) | digit) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return { ok: true, bytes: Buffer.from(bytes) };
}
