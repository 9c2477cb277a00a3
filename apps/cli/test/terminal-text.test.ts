// escapeForTerminal and jsonForTerminal on their own: which characters become escapes, that ordinary Unicode is
// kept, and that the JSON form parses back to the same value.

import { describe, expect, it } from "vitest";
import { escapeForTerminal, jsonForTerminal } from "../src/terminal-text.js";

describe("escapeForTerminal", () => {
  it("escapes C0 (ESC, BEL, newline, tab, NUL) and DEL as \\xNN", () => {
    expect(escapeForTerminal("a\u001b[31mb\u0007c\nd\te\u0000f\u007f")).toBe(
      "a\\x1b[31mb\\x07c\\x0ad\\x09e\\x00f\\x7f",
    );
  });

  it("escapes C1, line separators and bidi controls as \\uNNNN", () => {
    expect(escapeForTerminal("\u0080\u009b2J\u009f\u2028\u2029\u202e\u2066")).toBe(
      "\\u0080\\u009b2J\\u009f\\u2028\\u2029\\u202e\\u2066",
    );
  });

  it("keeps ordinary text and Unicode as it is", () => {
    const text = "café ünïcödé 日本語 🐋 /nix/store/abc-x \\x1b ~!@#$%^&*()";
    expect(escapeForTerminal(text)).toBe(text);
  });
});

describe("jsonForTerminal", () => {
  it("escapes what JSON.stringify leaves raw and parses back to the same value", () => {
    const value = { name: "x\u001b\u007f\u009b\u2028\u202e", list: ["é", 1, null] };
    const json = jsonForTerminal(value);
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(json).toContain("\\u009b");
    expect(JSON.parse(json)).toEqual(value);
  });
});
