// parseNarListing on hostile sizes: 200k-deep nesting is refused without touching the call stack, and a 64 MiB
// listing is refused before parsing, with memory measured (not time) around the call.

import { describe, expect, it } from "vitest";
import { MAX_LISTING_BYTES, NarError, parseNarListing } from "../src/index.js";

const DEEP = 200_000;
const HUGE = 64 * 1024 * 1024;
/** Growth allowed while refusing a 64 MiB input: far below the input size (a parse would need ~1 GiB). */
const ALLOWED_GROWTH = 8 * 1024 * 1024;

function refusal(run: () => unknown): NarError {
  try {
    run();
  } catch (error) {
    if (error instanceof NarError) return error;
    throw error;
  }
  throw new Error("accepted");
}

describe("parseNarListing on hostile input", () => {
  it(`refuses ${DEEP}-deep directories with LISTING_TOO_DEEP, not a stack overflow`, () => {
    const text = `{"version":1,"root":${'{"type":"directory","entries":{"a":'.repeat(DEEP)}{"type":"regular","size":0}${"}}".repeat(DEEP)}}`;
    const error = refusal(() => parseNarListing(text, { maxBytes: text.length }));
    expect(error.code).toBe("LISTING_TOO_DEEP");
    expect(error.message).toContain("node is nested 65 levels deep; the limit is 64");
  });

  it(`refuses ${DEEP}-deep arrays and objects under an unknown key, and at the top level`, () => {
    const arrays = `{"version":1,"x":${"[".repeat(DEEP)}${"]".repeat(DEEP)},"root":{"type":"regular","size":0}}`;
    expect(refusal(() => parseNarListing(arrays)).code).toBe("LISTING_TOO_DEEP");
    const objects = `{"version":1,"x":${'{"k":'.repeat(DEEP)}0${"}".repeat(DEEP)},"root":{"type":"regular","size":0}}`;
    expect(refusal(() => parseNarListing(objects)).code).toBe("LISTING_TOO_DEEP");
    expect(refusal(() => parseNarListing("[".repeat(DEEP))).code).toBe("LISTING_INVALID");
  });

  it("refuses more than 64 MiB of text and of bytes with LISTING_TOO_LARGE before parsing, in bounded memory", () => {
    expect(MAX_LISTING_BYTES).toBe(16 * 1024 * 1024);
    const entry = '"aaaaaaaa":{"type":"regular","size":0},';
    const body = entry.repeat(Math.ceil(HUGE / entry.length));
    const text = `{"version":1,"root":{"type":"directory","entries":{${body}"z":{"type":"regular","size":0}}}}`;
    const bytes = Buffer.from(text);
    // Under the limit in UTF-16 units, over it in UTF-8 bytes; made flat first so measuring does not count V8 flattening it.
    const twoByteCharacters = Buffer.from("\u00e9".repeat(MAX_LISTING_BYTES / 2 + 1)).toString("utf8");
    for (const input of [text, bytes, twoByteCharacters]) {
      const before = process.memoryUsage();
      const error = refusal(() => parseNarListing(input));
      const after = process.memoryUsage();
      expect(error.code).toBe("LISTING_TOO_LARGE");
      expect(error.message).toMatch(/bytes is more than the limit of 16777216 bytes$/);
      expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(
        ALLOWED_GROWTH,
      );
      expect(after.rss - before.rss).toBeLessThan(ALLOWED_GROWTH);
    }
  });
});
