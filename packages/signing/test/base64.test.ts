// Checks the Base64 decoder against Nix's rules: stop at '=', skip '\n', refuse '\r', spaces and other bytes,
// and agree with standard Base64 on well-formed input.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64LikeNix, encodeBase64 } from "../src/base64.js";

function decoded(text: string): number[] {
  const result = decodeBase64LikeNix(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to decode`);
  return [...result.bytes];
}

describe("Nix-compatible Base64", () => {
  it("round-trips any bytes through standard padded Base64", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decoded(text)).toEqual([...bytes]);
      }),
    );
  });

  it("skips newlines anywhere", () => {
    expect(decoded("aGVs\nbG8=\n")).toEqual([...Buffer.from("hello")]);
    expect(decoded("\na\nGVsbG8=")).toEqual([...Buffer.from("hello")]);
  });

  it("stops at the first '=' and ignores what follows", () => {
    expect(decoded("aGk=IGNvcnJ1cHQ*")).toEqual([...Buffer.from("hi")]);
  });

  it("drops leftover bits when padding is missing", () => {
    expect(decoded("aGk")).toEqual([...Buffer.from("hi")]);
  });

  it.each([
    ["carriage return", "aGVs\r\nbG8=", 4, "\r"],
    ["space", "aGVs bG8=", 4, " "],
    ["tab", "\taGVsbG8=", 0, "\t"],
    ["URL-safe alphabet", "a-_b", 1, "-"],
    ["non-ASCII", "aé", 1, "é"],
  ])("refuses a %s and says where it is", (_label, text, offset, char) => {
    expect(decodeBase64LikeNix(text)).toEqual({ ok: false, offset, char });
  });
});
