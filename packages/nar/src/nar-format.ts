// Wire-level vocabulary of the NAR format: the fixed tokens and the framing of a single string token.
// Every NAR token is a little-endian u64 length, the bytes, then zero bytes up to a multiple of 8.

export const NAR_MAGIC = "nix-archive-1";

/** The literal tokens that structure a NAR, in the spelling the format requires. */
export const NarToken = {
  open: "(",
  close: ")",
  type: "type",
  regular: "regular",
  symlink: "symlink",
  directory: "directory",
  executable: "executable",
  contents: "contents",
  target: "target",
  entry: "entry",
  name: "name",
  node: "node",
} as const;

/** Number of zero bytes that follow `length` bytes of payload to reach the next multiple of 8. */
export function paddingLength(length: number): number {
  return (8 - (length % 8)) % 8;
}

const ZERO_PADDING = Buffer.alloc(8);

/** Zero bytes that complete a payload of `length` bytes to a multiple of 8. */
export function narPadding(length: number): Buffer {
  return ZERO_PADDING.subarray(0, paddingLength(length));
}

/** The 8-byte little-endian encoding of a length or count. */
export function narU64(value: number | bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(value));
  return out;
}

/** One framed string token: u64 length, the bytes (strings are UTF-8), zero padding. */
export function narToken(value: string | Uint8Array): Buffer {
  const bytes =
    typeof value === "string"
      ? Buffer.from(value, "utf8")
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.concat([narU64(bytes.length), bytes, narPadding(bytes.length)]);
}

/** Several framed tokens concatenated; handy for building NARs (including malformed ones) by hand. */
export function narTokens(...values: Array<string | Uint8Array>): Buffer {
  return Buffer.concat(values.map(narToken));
}
