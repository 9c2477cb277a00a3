// XOR-folding of a digest to a shorter length, as Nix does to turn a SHA-256 into the 20-byte
// store-path hash part: byte i of the input is XORed into byte (i mod size) of the output.

export function compressHash(digest: Uint8Array, size: number): Buffer {
  if (!Number.isInteger(size) || size <= 0)
    throw new RangeError(`compressHash size must be a positive integer, got ${size}`);
  const folded = Buffer.alloc(size);
  for (let index = 0; index < digest.length; index++) folded[index % size]! ^= digest[index]!;
  return folded;
}
