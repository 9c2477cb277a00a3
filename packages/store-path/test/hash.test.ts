import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HASH_ALGORITHMS,
  Hash,
  HashFormatError,
  compressHash,
  createHasher,
  formatHash,
  hashBytes,
  hashStream,
  parseHash,
} from "../src/index.js";

const ABC_NIX32 = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
const ABC_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const ABC_BASE64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

describe("parseHash", () => {
  const abc = hashBytes("sha256", "abc");

  it.each([
    `sha256:${ABC_NIX32}`,
    `sha256:${ABC_HEX}`,
    `sha256:${ABC_HEX.toUpperCase()}`,
    `sha256:${ABC_BASE64}`,
    `sha256-${ABC_BASE64}`,
  ])("accepts %s and picks the encoding by length", (text) => {
    expect(parseHash(text).equals(abc)).toBe(true);
  });

  it("accepts a bare digest only when the algorithm is expected", () => {
    expect(parseHash(ABC_NIX32, "sha256").equals(abc)).toBe(true);
    expect(parseHash(ABC_HEX, "sha256").equals(abc)).toBe(true);
    expect(() => parseHash(ABC_NIX32)).toThrow(/no algorithm given/);
  });

  it("rejects an algorithm that differs from the expected one", () => {
    expect(() => parseHash(`sha256:${ABC_NIX32}`, "sha512")).toThrow(/sha256 given where sha512 is required/);
  });

  it("rejects unknown algorithms, bad lengths and bad characters, naming the input", () => {
    const cases: [string, RegExp][] = [
      [`sha257:${ABC_NIX32}`, /unknown algorithm "sha257"/],
      [`sha256:${ABC_NIX32}0`, /must be 64 base16, 52 nix32 or 44 base64 characters, got 53/],
      [`sha256:${ABC_HEX.slice(0, 63)}g`, /non-hex character/],
      [`sha256:${ABC_NIX32.slice(0, 51)}e`, /nix32 digest is invalid/],
      [`sha256:${ABC_BASE64.slice(0, 43)}!`, /character "!" at 43, outside the standard base64 alphabet/],
      [`sha256-${ABC_HEX}`, /an SRI digest decodes to 48 bytes \(up to the first '='\), sha256 needs 32/],
      [`md5-${ABC_BASE64}`, /an SRI digest decodes to 32 bytes \(up to the first '='\), md5 needs 16/],
      ["", /no algorithm given/],
    ];
    for (const [text, rule] of cases) {
      let caught: unknown;
      try {
        parseHash(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(HashFormatError);
      expect((caught as HashFormatError).code).toBe("ERR_HASH");
      expect((caught as Error).message).toMatch(rule);
      expect((caught as Error).message).toContain(JSON.stringify(text).slice(1, 30));
    }
  });

  it("round-trips every algorithm through every format", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASH_ALGORITHMS),
        fc.uint8Array({ minLength: 0, maxLength: 10 }),
        (algorithm, data) => {
          const hash = hashBytes(algorithm, data);
          for (const format of ["nix32", "base16", "base64", "sri"] as const) {
            expect(parseHash(formatHash(hash, format)).equals(hash)).toBe(true);
            if (format !== "sri")
              expect(parseHash(formatHash(hash, format, { prefix: false }), algorithm).equals(hash)).toBe(true);
          }
        },
      ),
    );
  });
});

describe("formatHash", () => {
  const abc = hashBytes("sha256", "abc");

  it("defaults to sha256:<nix32>, the narinfo form", () => {
    expect(formatHash(abc)).toBe(`sha256:${ABC_NIX32}`);
    expect(abc.toString()).toBe(`sha256:${ABC_NIX32}`);
  });

  it("writes base16, base64, SRI and unprefixed forms", () => {
    expect(formatHash(abc, "base16")).toBe(`sha256:${ABC_HEX}`);
    expect(formatHash(abc, "base64")).toBe(`sha256:${ABC_BASE64}`);
    expect(formatHash(abc, "sri")).toBe(`sha256-${ABC_BASE64}`);
    expect(formatHash(abc, "nix32", { prefix: false })).toBe(ABC_NIX32);
  });
});

describe("Hash", () => {
  it("refuses a digest of the wrong size for its algorithm", () => {
    expect(() => new Hash("sha256", new Uint8Array(20))).toThrow(/sha256 digest has 32 bytes, got 20/);
  });

  it("copies the digest so later changes to the input do not alter it", () => {
    const bytes = new Uint8Array(20);
    const hash = new Hash("sha1", bytes);
    bytes[0] = 1;
    expect(hash.digest[0]).toBe(0);
  });
});

describe("streaming hashes", () => {
  it("give the same hash and byte count as one-shot hashing, over async iterables", async () => {
    const chunks = [Buffer.from("a"), Buffer.from("bc"), new Uint8Array(0), Buffer.alloc(1000, 7)];
    async function* source() {
      yield* chunks;
    }
    const whole = Buffer.concat(chunks);
    const result = await hashStream("sha256", source());
    expect(result.size).toBe(whole.length);
    expect(result.hash.equals(hashBytes("sha256", whole))).toBe(true);
  });

  it("can hash while passing chunks through unchanged", async () => {
    const sink = createHasher("sha512");
    const seen: Uint8Array[] = [];
    for await (const chunk of sink.passThrough([Buffer.from("hello "), Buffer.from("world")])) seen.push(chunk);
    expect(Buffer.concat(seen).toString()).toBe("hello world");
    const { hash, size } = sink.finish();
    expect(size).toBe(11);
    expect(hash.digest.equals(createHash("sha512").update("hello world").digest())).toBe(true);
  });

  it("refuses updates after finishing", () => {
    const sink = createHasher("md5");
    sink.update(Buffer.from("x"));
    sink.finish();
    expect(() => sink.update(Buffer.from("y"))).toThrow(/already finished/);
    expect(() => sink.finish()).toThrow(/already finished/);
  });
});

describe("compressHash", () => {
  it("XOR-folds byte i into position i mod size", () => {
    const input = Uint8Array.from({ length: 32 }, (_, index) => index);
    const folded = compressHash(input, 20);
    expect(folded).toHaveLength(20);
    for (let index = 0; index < 20; index++) {
      const expected = index < 12 ? index ^ (index + 20) : index;
      expect(folded[index]).toBe(expected);
    }
  });

  it("leaves a digest already of the target size unchanged", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        expect([...compressHash(bytes, 20)]).toEqual([...bytes]);
      }),
    );
  });
});
