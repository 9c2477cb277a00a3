// Nix's base-32 ("nix32") text encoding of hash bytes, so tests can compare digests with nix-hash output
// without depending on @narwhal/store-path.

const ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

/** Encode bytes as nix32 (last input bytes drive the first characters). */
export function toNix32(bytes: Uint8Array): string {
  if (bytes.length === 0) return "";
  const length = Math.floor((bytes.length * 8 - 1) / 5) + 1;
  let out = "";
  for (let index = length - 1; index >= 0; index--) {
    const bit = index * 5;
    const byte = bit >> 3;
    const shift = bit & 7;
    const low = bytes[byte]! >> shift;
    const high = byte + 1 < bytes.length ? bytes[byte + 1]! << (8 - shift) : 0;
    out += ALPHABET[(low | high) & 0x1f];
  }
  return out;
}
