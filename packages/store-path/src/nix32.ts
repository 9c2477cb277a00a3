// Nix's own base-32 encoding ("nix32"): 32-symbol alphabet without e, o, u, t, and Nix's bit order
// (the last input bytes drive the first output characters). Used for store-path hashes and narinfo hashes.

import { Nix32Error } from "./errors.js";

export const NIX32_ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

const DIGIT_OF = new Map<string, number>([...NIX32_ALPHABET].map((char, digit) => [char, digit]));

/** Number of nix32 characters needed for `byteLength` bytes (52 for SHA-256, 32 for 20 bytes). */
export function nix32EncodedLength(byteLength: number): number {
  return byteLength === 0 ? 0 : Math.floor((byteLength * 8 - 1) / 5) + 1;
}

/** Inverse of nix32EncodedLength, or undefined when no byte length encodes to exactly `textLength` chars. */
export function nix32DecodedLength(textLength: number): number | undefined {
  const byteLength = Math.floor((textLength * 5) / 8);
  return nix32EncodedLength(byteLength) === textLength ? byteLength : undefined;
}

export function encodeNix32(bytes: Uint8Array): string {
  const length = nix32EncodedLength(bytes.length);
  let text = "";
  for (let position = length - 1; position >= 0; position--) {
    const bit = position * 5;
    const byteIndex = Math.floor(bit / 8);
    const shift = bit % 8;
    const low = bytes[byteIndex]! >> shift;
    const high = byteIndex + 1 < bytes.length ? bytes[byteIndex + 1]! << (8 - shift) : 0;
    text += NIX32_ALPHABET[(low | high) & 0x1f];
  }
  return text;
}

/**
 * Decodes nix32 text. When `byteLength` is given the text must have exactly the matching length;
 * otherwise the length must be one that some byte count encodes to. Bits beyond the last byte must be zero.
 */
export function decodeNix32(text: string, byteLength?: number): Buffer {
  const size = byteLength ?? nix32DecodedLength(text.length);
  if (size === undefined) {
    throw new Nix32Error(text, `length ${text.length} is not the nix32 length of any byte count`);
  }
  const expectedLength = nix32EncodedLength(size);
  if (text.length !== expectedLength) {
    throw new Nix32Error(text, `expected ${expectedLength} characters for ${size} bytes, got ${text.length}`);
  }
  const bytes = Buffer.alloc(size);
  for (let position = 0; position < text.length; position++) {
    const char = text[text.length - 1 - position]!;
    const digit = DIGIT_OF.get(char);
    if (digit === undefined) {
      throw new Nix32Error(text, `character ${JSON.stringify(char)} is not in the nix32 alphabet ${NIX32_ALPHABET}`);
    }
    const bit = position * 5;
    const byteIndex = Math.floor(bit / 8);
    const shift = bit % 8;
    bytes[byteIndex]! |= (digit << shift) & 0xff;
    const carry = digit >> (8 - shift);
    if (byteIndex + 1 < size) {
      bytes[byteIndex + 1]! |= carry;
    } else if (carry !== 0) {
      throw new Nix32Error(text, `first character sets bits beyond the ${size}-byte value (non-canonical encoding)`);
    }
  }
  return bytes;
}

/** True when every character is in the nix32 alphabet (no length check). */
export function isNix32(text: string): boolean {
  for (const char of text) if (!DIGIT_OF.has(char)) return false;
  return true;
}
