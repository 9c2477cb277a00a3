// Structure-aware mutation of valid inputs as fast-check arbitraries: bit flips, truncations, deletions,
// duplications, swaps and insertions of format tokens, applied to a seed chosen from a corpus of valid inputs.

import fc from "fast-check";

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number }
  | { kind: "swap"; at: number; other: number; length: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "overwrite"; at: number; bytes: Uint8Array };

function mutation(tokens: readonly Uint8Array[]): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const length = fc.integer({ min: 1, max: 64 });
  const bytes = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...tokens) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
  );
  return fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at }),
    fc.record({ kind: fc.constant("delete" as const), at, length }),
    fc.record({ kind: fc.constant("duplicate" as const), at, length }),
    fc.record({ kind: fc.constant("swap" as const), at, other: fc.nat(), length }),
    fc.record({ kind: fc.constant("insert" as const), at, bytes }),
    fc.record({ kind: fc.constant("overwrite" as const), at, bytes }),
  );
}

function apply(input: Buffer, change: Mutation): Buffer {
  const at = change.at % (input.length + 1);
  switch (change.kind) {
    case "flip": {
      if (input.length === 0) return input;
      const copy = Buffer.from(input);
      copy[at % input.length]! ^= 1 << change.bit;
      return copy;
    }
    case "truncate":
      return input.subarray(0, at);
    case "delete":
      return Buffer.concat([input.subarray(0, at), input.subarray(at + change.length)]);
    case "duplicate":
      return Buffer.concat([input.subarray(0, at + change.length), input.subarray(at)]);
    case "swap": {
      const other = change.other % (input.length + 1);
      const [first, second] = at <= other ? [at, other] : [other, at];
      const length = Math.min(change.length, second - first);
      if (length <= 0) return input;
      return Buffer.concat([
        input.subarray(0, first),
        input.subarray(second, second + length),
        input.subarray(first + length, second),
        input.subarray(first, first + length),
        input.subarray(second + length),
      ]);
    }
    case "insert":
      return Buffer.concat([input.subarray(0, at), change.bytes, input.subarray(at)]);
    case "overwrite": {
      const copy = Buffer.from(input);
      copy.set(change.bytes.subarray(0, Math.max(0, input.length - at)), at);
      return copy;
    }
  }
}

/** One to `maxMutations` mutations of a seed from `seeds`, inserting format `tokens` among random bytes. */
export function mutatedBytes(
  seeds: readonly Buffer[],
  tokens: readonly Uint8Array[],
  maxMutations = 4,
): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation(tokens), { minLength: 1, maxLength: maxMutations }))
    .map(([seed, changes]) => changes.reduce(apply, seed));
}

/** The same on text: mutations run on the UTF-8 bytes, decoded back (invalid sequences become U+FFFD). */
export function mutatedText(
  seeds: readonly string[],
  tokens: readonly string[],
  maxMutations = 4,
): fc.Arbitrary<string> {
  const encoder = new TextEncoder();
  return mutatedBytes(
    seeds.map((seed) => Buffer.from(seed)),
    tokens.map((token) => encoder.encode(token)),
    maxMutations,
  ).map((bytes) => bytes.toString("utf8"));
}
