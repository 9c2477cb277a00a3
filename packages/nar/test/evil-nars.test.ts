// Catalogue of malformed and hostile NARs: each must be refused with a specific code, by the parser and by restore,
// and a refused restore must leave nothing behind — neither in the sandbox nor where hostile symlinks point.

import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, type TempDir } from "@narwhal/test-kit";
import { listNar, restoreNar, type NarError, type NarErrorCode } from "../src/index.js";
import {
  chunked,
  directory,
  entry,
  magic,
  nar,
  narU64,
  nestedDirectories,
  parseError,
  raw,
  regular,
  symlinkNode,
} from "./nar-builders.js";

let sandboxRoot: TempDir;
let victim: string;

beforeAll(async () => {
  sandboxRoot = await tempDir("narwhal-evil-");
  victim = join(sandboxRoot.path, "victim");
  await mkdir(victim);
});
afterAll(async () => sandboxRoot.remove());

const pad = (bytes: number[]): Buffer => Buffer.from(bytes);
const longName = (length: number): Buffer => Buffer.alloc(length, 0x61);

interface EvilNar {
  name: string;
  bytes: () => Buffer;
  code: NarErrorCode;
  /** A fragment the message must contain (offsets, rule wording). */
  message?: string | RegExp;
}

const catalogue: EvilNar[] = [
  {
    name: "empty input",
    bytes: () => Buffer.alloc(0),
    code: "NAR_TRUNCATED",
    message: "unexpected end of NAR at offset 0",
  },
  { name: "wrong magic", bytes: () => raw("nix-archive-2", regular()), code: "NAR_BAD_MAGIC", message: /offset 0/ },
  {
    name: "magic with a huge length",
    bytes: () => Buffer.concat([narU64(1 << 30), Buffer.alloc(16)]),
    code: "NAR_BAD_MAGIC",
  },
  {
    name: "magic with non-zero padding",
    bytes: () => Buffer.concat([narU64(13), Buffer.from("nix-archive-1"), pad([0, 0, 1]), regular()]),
    code: "NAR_NONZERO_PADDING",
    message: "offset 21",
  },
  {
    name: "missing '(' before the root",
    bytes: () => nar(raw("type", "regular", "contents", "hi", ")")),
    code: "NAR_UNEXPECTED_TAG",
    message: 'expected "(" at offset 24',
  },
  {
    name: "'typ' instead of 'type'",
    bytes: () => nar(raw("(", "typ", "regular", "contents", "hi", ")")),
    code: "NAR_UNEXPECTED_TAG",
  },
  {
    name: "unknown node type",
    bytes: () => nar(raw("(", "type", "fifo", ")")),
    code: "NAR_UNKNOWN_TYPE",
    message: '"fifo"',
  },
  {
    name: "executable after contents",
    bytes: () => nar(raw("(", "type", "regular", "contents", "hi", "executable", "", ")")),
    code: "NAR_UNEXPECTED_TAG",
    message: 'expected ")"',
  },
  {
    name: "executable flag with a non-empty value",
    bytes: () => nar(raw("(", "type", "regular", "executable", "1", "contents", "hi", ")")),
    code: "NAR_UNEXPECTED_TAG",
    message: 'after "executable"',
  },
  {
    name: "executable given twice",
    bytes: () => nar(raw("(", "type", "regular", "executable", "", "executable", "", "contents", "hi", ")")),
    code: "NAR_UNEXPECTED_TAG",
  },
  {
    name: "regular file without contents",
    bytes: () => nar(raw("(", "type", "regular", ")")),
    code: "NAR_UNEXPECTED_TAG",
  },
  { name: "symlink without target", bytes: () => nar(raw("(", "type", "symlink", ")")), code: "NAR_UNEXPECTED_TAG" },
  {
    name: "empty entry name",
    bytes: () => nar(directory(entry("", regular()))),
    code: "NAR_BAD_ENTRY_NAME",
    message: "must not be empty",
  },
  { name: "entry named '.'", bytes: () => nar(directory(entry(".", regular()))), code: "NAR_BAD_ENTRY_NAME" },
  {
    name: "entry named '..' holding a file",
    bytes: () => nar(directory(entry("..", directory(entry("escaped", regular()))))),
    code: "NAR_BAD_ENTRY_NAME",
    message: '".."',
  },
  {
    name: "entry name with '/' (file through a symlink)",
    bytes: () => nar(directory(entry("a", symlinkNode(victim)), entry("a/b", regular()))),
    code: "NAR_BAD_ENTRY_NAME",
    message: '"/"',
  },
  {
    name: "entry name with NUL",
    bytes: () => nar(directory(entry(Buffer.from("a\0b"), regular()))),
    code: "NAR_BAD_ENTRY_NAME",
    message: "NUL",
  },
  {
    name: "entries out of order",
    bytes: () => nar(directory(entry("b", regular()), entry("a", regular()))),
    code: "NAR_UNSORTED_ENTRIES",
  },
  {
    name: "duplicate file entries",
    bytes: () => nar(directory(entry("a", regular("1")), entry("a", regular("2")))),
    code: "NAR_UNSORTED_ENTRIES",
  },
  {
    name: "symlink to an absolute path, then a same-named directory with a file",
    bytes: () =>
      nar(directory(entry("x", symlinkNode(victim)), entry("x", directory(entry("pwned", regular("evil")))))),
    code: "NAR_UNSORTED_ENTRIES",
  },
  {
    name: "symlink to '..', then a same-named directory",
    bytes: () => nar(directory(entry("up", symlinkNode("../..")), entry("up", directory(entry("pwned", regular()))))),
    code: "NAR_UNSORTED_ENTRIES",
  },
  {
    name: "entries in JS (UTF-16) order instead of byte order",
    bytes: () => nar(directory(entry("\u{1F600}", regular()), entry("\uFF5E", regular()))),
    code: "NAR_UNSORTED_ENTRIES",
  },
  {
    name: "entry name of 256 bytes",
    bytes: () => nar(directory(entry(longName(256), regular()))),
    code: "NAR_NAME_TOO_LONG",
    message: "256 bytes",
  },
  {
    name: "entry name declaring 2^50 bytes",
    bytes: () => nar(raw("(", "type", "directory", "entry", "(", "name", narU64(2 ** 50))),
    code: "NAR_NAME_TOO_LONG",
  },
  {
    name: "tag of 33 bytes",
    bytes: () => nar(raw("(", "type", "directory", "x".repeat(33))),
    code: "NAR_TAG_TOO_LONG",
  },
  {
    name: "tag length above 2^53 (refused as too long before any allocation)",
    bytes: () => nar(raw("(", narU64(2n ** 63n))),
    code: "NAR_TAG_TOO_LONG",
  },
  {
    name: "garbage text instead of a NAR",
    bytes: () => Buffer.from("this is not a nar at all"),
    code: "NAR_BAD_MAGIC",
  },
  {
    name: "contents size of 2^64-1",
    bytes: () => nar(raw("(", "type", "regular", "contents", narU64(2n ** 64n - 1n))),
    code: "NAR_LENGTH_OVERFLOW",
  },
  {
    name: "contents size of 2^53, the first length past Number.MAX_SAFE_INTEGER",
    bytes: () => nar(raw("(", "type", "regular", "contents", narU64(2n ** 53n))),
    code: "NAR_LENGTH_OVERFLOW",
    message: "length 9007199254740992 at offset",
  },
  {
    name: "contents size of 2^53-1 (read exactly, then short of input)",
    bytes: () => nar(raw("(", "type", "regular", "contents", narU64(2n ** 53n - 1n))),
    code: "NAR_TRUNCATED",
  },
  {
    name: "contents longer than the input",
    bytes: () => nar(raw("(", "type", "regular", "contents", narU64(1000), Buffer.from("short"))),
    code: "NAR_TRUNCATED",
    message: "unexpected end of NAR at offset 101",
  },
  {
    name: "truncated inside a tag",
    bytes: () => nar(raw("(", "type")).subarray(0, 50),
    code: "NAR_TRUNCATED",
    message: "unexpected end of NAR at offset 50",
  },
  { name: "missing final ')'", bytes: () => nar(raw("(", "type", "regular", "contents", "hi")), code: "NAR_TRUNCATED" },
  { name: "empty symlink target", bytes: () => nar(symlinkNode("")), code: "NAR_BAD_SYMLINK_TARGET", message: "empty" },
  {
    name: "symlink target with NUL",
    bytes: () => nar(symlinkNode(Buffer.from("/etc\0passwd"))),
    code: "NAR_BAD_SYMLINK_TARGET",
    message: "NUL",
  },
  {
    name: "symlink target of 4096 bytes",
    bytes: () => nar(symlinkNode(longName(4096))),
    code: "NAR_BAD_SYMLINK_TARGET",
    message: "4096 bytes",
  },
  {
    name: "non-zero padding after file contents",
    bytes: () =>
      nar(raw("(", "type", "regular", "contents", narU64(2), Buffer.from("hi"), pad([0, 0, 0, 0, 0, 7]), ")")),
    code: "NAR_NONZERO_PADDING",
  },
  {
    name: "non-zero padding after an entry name",
    bytes: () =>
      nar(raw("(", "type", "directory", "entry", "(", "name", narU64(1), Buffer.from("a"), pad([9, 0, 0, 0, 0, 0, 0]))),
    code: "NAR_NONZERO_PADDING",
  },
  {
    name: "non-zero padding in a tag",
    bytes: () => nar(raw(narU64(1), Buffer.from("("), pad([0, 0, 0, 0, 0, 0, 1]))),
    code: "NAR_NONZERO_PADDING",
    message: "offset 33",
  },
  {
    name: "trailing garbage after the NAR",
    bytes: () => Buffer.concat([nar(regular()), Buffer.from("junk")]),
    code: "NAR_TRAILING_BYTES",
    message: "offset 120",
  },
  {
    name: "trailing zero bytes after the NAR",
    bytes: () => Buffer.concat([nar(directory(entry("f", regular()))), Buffer.alloc(8)]),
    code: "NAR_TRAILING_BYTES",
  },
  { name: "a second root node", bytes: () => Buffer.concat([nar(regular()), regular()]), code: "NAR_TRAILING_BYTES" },
  {
    name: "directories nested 65 deep",
    bytes: () => nar(nestedDirectories(65)),
    code: "NAR_TOO_DEEP",
    message: "limit is 64",
  },
  {
    name: "entry without '('",
    bytes: () => nar(raw("(", "type", "directory", "entry", "name", "a", "node"), regular(), raw(")", ")")),
    code: "NAR_UNEXPECTED_TAG",
  },
  {
    name: "name after node",
    bytes: () => nar(raw("(", "type", "directory", "entry", "(", "node"), regular(), raw("name", "a", ")", ")")),
    code: "NAR_UNEXPECTED_TAG",
    message: '"name"',
  },
  {
    name: "directory closed twice",
    bytes: () => nar(raw("(", "type", "directory", ")", ")")),
    code: "NAR_TRAILING_BYTES",
  },
];

describe("evil NAR catalogue", () => {
  it("has at least 30 cases", () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(catalogue)("$name", ({ bytes, code, message }) => {
    it(`parsing fails with ${code}`, async () => {
      const error = await parseError([bytes()]);
      expect(error?.code).toBe(code);
      if (message !== undefined) expect(error?.message).toMatch(message);
    });

    it("fails the same way when fed in 3-byte chunks and when contents are skipped", async () => {
      const whole = await parseError([bytes()]);
      const small = await parseError(chunked(bytes(), 3), false);
      expect(small?.code).toBe(whole?.code);
      expect(small?.message).toBe(whole?.message);
      await expect(listNar([bytes()])).rejects.toMatchObject({ code });
    });

    it("restore fails and leaves nothing behind", async () => {
      const sandbox = join(sandboxRoot.path, `sandbox-${Math.random().toString(36).slice(2)}`);
      await mkdir(sandbox);
      const error = (await restoreNar([bytes()], join(sandbox, "target")).then(
        () => undefined,
        (e: unknown) => e,
      )) as NarError | undefined;
      expect(error?.code).toBe(code);
      expect(await readdir(sandbox)).toEqual([]);
      expect(await readdir(victim)).toEqual([]);
    });
  });

  it("accepts the deepest allowed nesting (64) as a control", async () => {
    expect(await parseError([nar(nestedDirectories(64))])).toBeUndefined();
  });

  it("accepts every builder-made control NAR", async () => {
    const good = nar(
      directory(entry("a", symlinkNode(victim)), entry("b", regular("x", true)), entry("c", directory())),
    );
    expect(await parseError([good])).toBeUndefined();
    expect(magic().length).toBe(24);
  });
});
