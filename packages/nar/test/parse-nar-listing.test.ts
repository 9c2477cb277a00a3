// parseNarListing's shape rules: what it accepts (both key orders, Nix's optional forms, unknown keys) and every
// refusal, each with its code, the JSON path of the bad node and the rule in the message.

import { describe, expect, it } from "vitest";
import { NarError, parseNarListing, type NarErrorCode } from "../src/index.js";

const listing = (root: string): string => `{"version":1,"root":${root}}`;
const inDirectory = (name: string, node: string): string =>
  listing(`{"type":"directory","entries":{${JSON.stringify(name)}:${node}}}`);

function refusal(text: string | Uint8Array, options = {}): NarError {
  try {
    parseNarListing(text, options);
  } catch (error) {
    if (error instanceof NarError) return error;
    throw error;
  }
  throw new Error(`accepted: ${String(text)}`);
}

describe("parseNarListing accepts", () => {
  it("Nix 2.8's key order and nlohmann's sorted order, giving the same listing", () => {
    const nix =
      '{"version":1,"root":{"type":"directory","entries":{"f":{"type":"regular","size":2,"executable":true,"narOffset":264},"l":{"type":"symlink","target":"t"}}}}';
    const sorted =
      '{"root":{"entries":{"f":{"executable":true,"narOffset":264,"size":2,"type":"regular"},"l":{"target":"t","type":"symlink"}},"type":"directory"},"version":1}';
    const expected = {
      version: 1,
      root: {
        type: "directory",
        entries: {
          f: { type: "regular", size: 2, executable: true, narOffset: 264 },
          l: { type: "symlink", target: "t" },
        },
      },
    };
    expect(parseNarListing(nix)).toEqual(expected);
    expect(parseNarListing(sorted)).toEqual(expected);
    expect(parseNarListing(Buffer.from(sorted))).toEqual(expected);
  });

  it('drops "executable": false and "narOffset": 0, as if absent', () => {
    const parsed = parseNarListing(listing('{"type":"regular","size":0,"executable":false,"narOffset":0}'));
    expect(parsed.root).toStrictEqual({ type: "regular", size: 0 });
  });

  it("ignores keys the format does not define, at the top level and in nodes, after checking them as JSON", () => {
    const text =
      '{"version":1,"future":{"a":[1,2.5e3,null,true,"x"]},"root":{"type":"symlink","target":"t","hash":"sha256-x"}}';
    expect(parseNarListing(text)).toEqual({ version: 1, root: { type: "symlink", target: "t" } });
    expect(refusal('{"version":1,"future":[1,],"root":{"type":"symlink","target":"t"}}').code).toBe("LISTING_NOT_JSON");
  });

  it("JSON whitespace, escapes, surrogate pairs and non-UTF-8 bytes (decoded with U+FFFD, as listNar does)", () => {
    const text =
      ' {\n"version" : 1 ,\t"root":{"type":"directory","entries":{"\\u00e9\\ud83d\\ude00\\n":{"type":"symlink","target":"a\\/b"}}}}\r\n';
    const parsed = parseNarListing(text);
    expect(parsed.root.type === "directory" && Object.keys(parsed.root.entries)).toEqual(["\u00e9\u{1F600}\n"]);
    const latin1Name = Buffer.concat([
      Buffer.from('{"version":1,"root":{"type":"directory","entries":{"'),
      Buffer.from([0xff]),
      Buffer.from('":{"type":"regular","size":1}}}}'),
    ]);
    const withRawByte = parseNarListing(latin1Name);
    expect(withRawByte.root.type === "directory" && Object.keys(withRawByte.root.entries)).toEqual(["\uFFFD"]);
  });

  it('keeps "__proto__" and "constructor" as ordinary entry names on a null-prototype object', () => {
    const parsed = parseNarListing(
      listing(
        '{"type":"directory","entries":{"__proto__":{"type":"regular","size":7},"constructor":{"type":"symlink","target":"x"}}}',
      ),
    );
    if (parsed.root.type !== "directory") throw new Error("expected a directory");
    expect(Object.getPrototypeOf(parsed.root.entries)).toBeNull();
    expect(Object.keys(parsed.root.entries)).toEqual(["__proto__", "constructor"]);
    // biome-ignore lint/suspicious/noProto: the test reads back an entry that is literally named __proto__
    expect(parsed.root.entries["__proto__"]).toEqual({ type: "regular", size: 7 });
    expect(({} as Record<string, unknown>)["size"]).toBeUndefined();
  });
});

const REFUSALS: ReadonlyArray<readonly [string, string, NarErrorCode, string]> = [
  [
    "not JSON",
    "{version:1}",
    "LISTING_NOT_JSON",
    "not valid JSON at byte 1: expected a member name in double quotes, found 'v'",
  ],
  ["a trailing comma", listing('{"type":"regular","size":1,}'), "LISTING_NOT_JSON", "root: not valid JSON at byte 47"],
  [
    "data after the listing",
    `${listing('{"type":"regular","size":1}')}{}`,
    "LISTING_NOT_JSON",
    "after the end of the listing",
  ],
  [
    "a truncated listing",
    listing('{"type":"regular","size":1}').slice(0, -2),
    "LISTING_NOT_JSON",
    "expected ',' or '}', found the end of the input",
  ],
  [
    "a listing cut after a colon",
    listing('{"type":"regular","size":1}').slice(0, -3),
    "LISTING_NOT_JSON",
    "unexpected end of the input, expected a value",
  ],
  [
    "a raw control character in a string",
    listing('{"type":"symlink","target":"a\tb"}'),
    "LISTING_NOT_JSON",
    "control character byte 0x09 must be escaped",
  ],
  [
    "a lone surrogate",
    listing('{"type":"symlink","target":"\\udc00"}'),
    "LISTING_NOT_JSON",
    "lone low surrogate \\udc00",
  ],
  ["a bad escape", listing('{"type":"symlink","target":"\\x41"}'), "LISTING_NOT_JSON", "invalid escape \\x"],
  ["a leading zero", listing('{"type":"regular","size":01}'), "LISTING_NOT_JSON", "expected ',' or '}', found '1'"],
  [
    "a byte order mark",
    `\uFEFF${listing('{"type":"regular","size":1}')}`,
    "LISTING_NOT_JSON",
    "expected a JSON value, found byte 0xef",
  ],
  [
    "a top level that is not an object",
    "[1]",
    "LISTING_INVALID",
    'a listing must be a JSON object {"version":1,"root":...}, got an array',
  ],
  ["version 2", '{"version":2,"root":{"type":"regular","size":1}}', "LISTING_INVALID", "version must be 1, got 2"],
  [
    "version as a string",
    '{"version":"1","root":{"type":"regular","size":1}}',
    "LISTING_INVALID",
    'version must be 1, got "1"',
  ],
  ["a missing version", '{"root":{"type":"regular","size":1}}', "LISTING_INVALID", 'missing "version"'],
  ["a missing root", '{"version":1}', "LISTING_INVALID", 'missing "root"'],
  [
    "a duplicate top-level key",
    '{"version":1,"version":1,"root":{"type":"regular","size":1}}',
    "LISTING_INVALID",
    'duplicate key "version"',
  ],
  [
    "a root that is not an object",
    '{"version":1,"root":"x"}',
    "LISTING_INVALID",
    'a node must be a JSON object, got "x"',
  ],
  ["a node without type", listing('{"size":1}'), "LISTING_INVALID", 'root: a node must have a "type"'],
  [
    "an unknown type",
    listing('{"type":"fifo"}'),
    "LISTING_INVALID",
    'root: type must be "regular", "symlink" or "directory", got "fifo"',
  ],
  [
    "a duplicate node key",
    listing('{"type":"regular","size":1,"size":2}'),
    "LISTING_INVALID",
    'root: duplicate key "size"',
  ],
  [
    "a duplicate unknown key",
    listing('{"type":"regular","size":1,"x":1,"\\u0078":2}'),
    "LISTING_INVALID",
    'root: duplicate key "x"',
  ],
  [
    "a regular file without size",
    listing('{"type":"regular"}'),
    "LISTING_INVALID",
    'root: a regular node must have a "size"',
  ],
  [
    "a negative size",
    inDirectory("x", '{"type":"regular","size":-1}'),
    "LISTING_INVALID",
    'root.entries["x"]: size must be a non-negative integer, got -1',
  ],
  [
    "a fractional size",
    listing('{"type":"regular","size":1.5}'),
    "LISTING_INVALID",
    "size must be a non-negative integer, got 1.5",
  ],
  [
    "an exponent size",
    listing('{"type":"regular","size":1e3}'),
    "LISTING_INVALID",
    "size must be a non-negative integer, got 1e3",
  ],
  [
    "a string size",
    listing('{"type":"regular","size":"1"}'),
    "LISTING_INVALID",
    'size must be a non-negative integer, got "1"',
  ],
  [
    "a size above 2^53-1",
    listing('{"type":"regular","size":9007199254740992}'),
    "LISTING_INVALID",
    "size must be at most 9007199254740991, got 9007199254740992",
  ],
  [
    "a non-boolean executable",
    listing('{"type":"regular","size":1,"executable":1}'),
    "LISTING_INVALID",
    "executable must be true or false, got 1",
  ],
  [
    "a null executable",
    listing('{"type":"regular","size":1,"executable":null}'),
    "LISTING_INVALID",
    "executable must be true or false, got null",
  ],
  [
    "a negative narOffset",
    listing('{"type":"regular","size":1,"narOffset":-8}'),
    "LISTING_INVALID",
    "narOffset must be a non-negative integer, got -8",
  ],
  [
    "an object narOffset",
    listing('{"type":"regular","size":1,"narOffset":{}}'),
    "LISTING_INVALID",
    "narOffset must be a non-negative integer, got an object",
  ],
  [
    "a symlink without target",
    listing('{"type":"symlink"}'),
    "LISTING_INVALID",
    'root: a symlink node must have a "target"',
  ],
  [
    "a non-string target",
    listing('{"type":"symlink","target":["a"]}'),
    "LISTING_INVALID",
    "target must be a string, got an array",
  ],
  [
    "an empty target",
    listing('{"type":"symlink","target":""}'),
    "LISTING_INVALID",
    "a symlink target must not be empty",
  ],
  [
    "a target with NUL",
    listing('{"type":"symlink","target":"a\\u0000"}'),
    "LISTING_INVALID",
    "a symlink target must not contain a NUL byte",
  ],
  [
    "a target over 4095 bytes",
    listing(`{"type":"symlink","target":"${"t".repeat(4096)}"}`),
    "LISTING_INVALID",
    "a symlink target must be at most 4095 bytes, got 4096",
  ],
  [
    "a directory without entries",
    listing('{"type":"directory"}'),
    "LISTING_INVALID",
    'root: a directory node must have "entries"',
  ],
  [
    "entries that are an array",
    listing('{"type":"directory","entries":[]}'),
    "LISTING_INVALID",
    "entries must be a JSON object, got an array",
  ],
  [
    "an entry that is not an object",
    inDirectory("a", "1"),
    "LISTING_INVALID",
    'root.entries["a"]: a node must be a JSON object, got 1',
  ],
  [
    "an empty name",
    inDirectory("", '{"type":"regular","size":1}'),
    "LISTING_INVALID",
    'root.entries[""]: an entry name must not be empty',
  ],
  [
    "the name .",
    inDirectory(".", '{"type":"regular","size":1}'),
    "LISTING_INVALID",
    'root.entries["."]: an entry name must not be "."',
  ],
  [
    "the name ..",
    inDirectory("..", '{"type":"regular","size":1}'),
    "LISTING_INVALID",
    'root.entries[".."]: an entry name must not be ".."',
  ],
  [
    "a name with /",
    inDirectory("a/b", '{"type":"regular","size":1}'),
    "LISTING_INVALID",
    'root.entries["a/b"]: an entry name must not contain "/"',
  ],
  [
    "a name with NUL",
    inDirectory("a\u0000", '{"type":"regular","size":1}'),
    "LISTING_INVALID",
    'root.entries["a\\u0000"]: an entry name must not contain a NUL byte',
  ],
  [
    "a name over 255 bytes",
    inDirectory("n".repeat(256), '{"type":"regular","size":1}'),
    "LISTING_INVALID",
    "an entry name must be at most 255 bytes, got 256",
  ],
  [
    "a duplicate entry",
    listing('{"type":"directory","entries":{"a":{"type":"regular","size":1},"\\u0061":{"type":"regular","size":2}}}'),
    "LISTING_INVALID",
    'root.entries["a"]: duplicate entry name',
  ],
  [
    "a regular file with entries",
    listing('{"type":"regular","size":1,"entries":{}}'),
    "LISTING_INVALID",
    'root: a regular node must not have "entries"',
  ],
  [
    "entries before a type that has none",
    listing('{"entries":{},"size":1,"type":"regular"}'),
    "LISTING_INVALID",
    'root: a regular node must not have "entries"',
  ],
  [
    "a symlink with size",
    listing('{"type":"symlink","target":"t","size":1}'),
    "LISTING_INVALID",
    'root: a symlink node must not have "size"',
  ],
  [
    "a directory with target",
    listing('{"type":"directory","entries":{},"target":"t"}'),
    "LISTING_INVALID",
    'root: a directory node must not have "target"',
  ],
];

describe("parseNarListing refuses", () => {
  it.each(REFUSALS)("%s", (_, text, code, rule) => {
    const error = refusal(text);
    expect(error.code).toBe(code);
    expect(error.message).toContain(rule);
    expect(error.message.startsWith("invalid NAR listing: ")).toBe(true);
  });

  it("names the source and the JSON path of a deep node, also in `path`, with the offset of the bad value", () => {
    const text =
      '{"version":1,"root":{"type":"directory","entries":{"bin":{"type":"directory","entries":{"x":{"type":"regular","size":-1}}}}}}';
    const error = refusal(text, { source: "s3://cache/abc.ls" });
    expect(error.message).toBe(
      'invalid NAR listing s3://cache/abc.ls: root.entries["bin"].entries["x"]: size must be a non-negative integer, got -1',
    );
    expect(error.path).toBe('root.entries["bin"].entries["x"]');
    expect(error.offset).toBe(text.indexOf("-1"));
  });

  it("escapes control, bidi and quote characters in echoed names and sources, and cuts long names", () => {
    const error = refusal(inDirectory('evil\u001b[31m\u202e"\n', '{"type":"regular","size":-1}'), {
      source: "key\r\nforged line",
    });
    expect(error.message).toContain(
      'invalid NAR listing key\\r\\nforged line: root.entries["evil\\u001b[31m\\u202e\\"\\n"]: size',
    );
    expect(error.message).not.toMatch(/[\u0000-\u001f\u202e]/);
    const long = refusal(inDirectory("x".repeat(200), '{"type":"regular","size":-1}'));
    expect(long.message).toContain(`["${"x".repeat(64)}"... (200 UTF-16 units)]`);
  });

  it("LISTING_TOO_DEEP past maxDepth (root = depth 0, like MAX_NAR_DEPTH) and LISTING_TOO_MANY_ENTRIES past maxEntries", () => {
    const chain = (depth: number): string =>
      listing(`${'{"type":"directory","entries":{"d":'.repeat(depth)}{"type":"regular","size":0}${"}}".repeat(depth)}`);
    expect(() => parseNarListing(chain(64))).not.toThrow();
    const deep = refusal(chain(65));
    expect(deep.code).toBe("LISTING_TOO_DEEP");
    expect(deep.message).toContain("node is nested 65 levels deep; the limit is 64");
    expect(refusal(chain(3), { maxDepth: 2 }).code).toBe("LISTING_TOO_DEEP");
    expect(() => parseNarListing(chain(2), { maxDepth: 2 })).not.toThrow();

    const files = (count: number): string =>
      listing(
        `{"type":"directory","entries":{${Array.from({ length: count }, (_, i) => `"f${i}":{"type":"regular","size":${i}}`).join(",")}}}`,
      );
    expect(() => parseNarListing(files(9), { maxEntries: 10 })).not.toThrow();
    const many = refusal(files(10), { maxEntries: 10 });
    expect(many.code).toBe("LISTING_TOO_MANY_ENTRIES");
    expect(many.message).toContain('root.entries["f9"]: listing has more than 10 nodes');
  });

  it("LISTING_TOO_LARGE above maxBytes, counting UTF-8 bytes of a string", () => {
    const text = listing('{"type":"symlink","target":"\u00e9\u00e9"}');
    const bytes = Buffer.byteLength(text);
    expect(() => parseNarListing(text, { maxBytes: bytes })).not.toThrow();
    const error = refusal(text, { maxBytes: bytes - 1 });
    expect(error.code).toBe("LISTING_TOO_LARGE");
    expect(error.message).toBe(`invalid NAR listing: ${bytes} bytes is more than the limit of ${bytes - 1} bytes`);
    expect(refusal(Buffer.from(text), { maxBytes: bytes - 1 }).code).toBe("LISTING_TOO_LARGE");
  });

  it("a nesting of ignored values deeper than 16 arrays/objects", () => {
    const nested = (depth: number): string =>
      `{"version":1,"x":${"[".repeat(depth)}${"]".repeat(depth)},"root":{"type":"regular","size":1}}`;
    expect(() => parseNarListing(nested(16))).not.toThrow();
    expect(refusal(nested(17)).code).toBe("LISTING_TOO_DEEP");
  });

  it("options that are not non-negative integers, with a RangeError naming the option (a caller bug, not bad input)", () => {
    expect(() => parseNarListing("{}", { maxDepth: -1 })).toThrow(RangeError);
    expect(() => parseNarListing("{}", { maxBytes: 1.5 })).toThrow(/maxBytes must be a non-negative integer/);
  });
});
