// Random file trees for property tests (fast-check) and a writer that puts them on disk.
// Covers the cases NAR code gets wrong: byte-order vs JS order, non-UTF-8 names, modes, dangling/absolute links, sizes.

import { mkdir, symlink, writeFile, chmod } from "node:fs/promises";
import fc from "fast-check";

export type FsTree = FsDirectory | FsFile | FsSymlink;

export interface FsDirectory {
  kind: "directory";
  /** Unique names; order is arbitrary (NAR order is the dumper's job). */
  entries: Array<{ name: Buffer; node: FsTree }>;
}

export interface FsFile {
  kind: "file";
  size: number;
  /** Seed for the deterministic contents, see `fsFileContents`. */
  seed: number;
  /** Permission bits, e.g. 0o755; executable in NAR terms iff 0o100 is set. */
  mode: number;
}

export interface FsSymlink {
  kind: "symlink";
  target: Buffer;
}

export interface ArbFsTreeOptions {
  /** Maximum directory nesting (default 4). */
  maxDepth?: number;
  /** Entries per directory (default 6). */
  maxEntries?: number;
  /** Occasionally include files of 2–5 MiB (default true). */
  largeFiles?: boolean;
  /** "directory" (default) or "any" to also allow a file or symlink as the root. */
  root?: "directory" | "any";
}

const MiB = 1 << 20;

/** Names that sort differently by bytes than by JS (UTF-16) order, plus other classic edge cases. */
const TRICKY_NAMES = [
  "B",
  "a",
  "A",
  "_",
  "é",
  "z",
  "\u{1F600}",
  "\uFF5E",
  "\uFFFD",
  "10",
  "2",
  "-",
  "a b",
  "tab\tname",
  "new\nline",
  ".hidden",
  "...",
  "__proto__",
  "constructor",
];

const nameByte = fc.integer({ min: 1, max: 255 }).filter((byte) => byte !== 0x2f);
const codePoint = fc.integer({ min: 0x20, max: 0x10ffff }).filter((cp) => cp !== 0x2f && (cp < 0xd800 || cp > 0xdfff));

const arbName: fc.Arbitrary<Buffer> = fc
  .oneof(
    { arbitrary: fc.constantFrom(...TRICKY_NAMES).map((name) => Buffer.from(name, "utf8")), weight: 4 },
    { arbitrary: fc.stringMatching(/^[a-zA-Z0-9._-]{1,10}$/).map((name) => Buffer.from(name, "utf8")), weight: 4 },
    {
      arbitrary: fc
        .array(codePoint, { minLength: 1, maxLength: 6 })
        .map((cps) => Buffer.from(String.fromCodePoint(...cps), "utf8")),
      weight: 2,
    },
    {
      // Not valid UTF-8: starts with a byte in 0x80–0xff.
      arbitrary: fc
        .tuple(fc.integer({ min: 0x80, max: 0xff }), fc.array(nameByte, { maxLength: 5 }))
        .map(([first, rest]) => Buffer.from([first, ...rest])),
      weight: 2,
    },
  )
  .filter((name) => !name.equals(Buffer.from(".")) && !name.equals(Buffer.from("..")));

const arbTarget: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      "/nix/store/00000000000000000000000000000000-dangling",
      "/",
      "/etc/passwd",
      "../x",
      "..",
      ".",
      "dangling",
      "a/b/c",
      "é",
      " ",
    )
    .map((t) => Buffer.from(t, "utf8")),
  fc.array(nameByte, { minLength: 1, maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
);

const EXECUTABLE_MODES = [0o755, 0o700, 0o744, 0o711];
const PLAIN_MODES = [0o644, 0o600, 0o655, 0o611];

function arbFile(largeFiles: boolean): fc.Arbitrary<FsFile> {
  const small = fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 15, 16, 17), fc.integer({ min: 0, max: 300 }));
  const size = largeFiles
    ? fc.oneof({ arbitrary: small, weight: 40 }, { arbitrary: fc.integer({ min: 2 * MiB, max: 5 * MiB }), weight: 1 })
    : small;
  return fc.record({
    kind: fc.constant("file" as const),
    size,
    seed: fc.integer({ min: 0, max: 0xffff }),
    mode: fc.constantFrom(...EXECUTABLE_MODES, ...PLAIN_MODES),
  });
}

/** Arbitrary file tree: nested and empty directories, empty/odd-sized/large files, modes, symlinks, hostile names. */
export function arbFsTree(options: ArbFsTreeOptions = {}): fc.Arbitrary<FsTree> {
  const { maxDepth = 4, maxEntries = 6, largeFiles = true, root = "directory" } = options;
  const file = arbFile(largeFiles);
  const link = arbTarget.map((target): FsSymlink => ({ kind: "symlink", target }));
  const tree = fc.letrec<{ node: FsTree; directory: FsDirectory }>((tie) => ({
    node: fc.oneof({ maxDepth, depthSize: "small" }, file, link, tie("directory")),
    directory: fc
      .uniqueArray(fc.record({ name: arbName, node: tie("node") }), {
        maxLength: maxEntries,
        selector: (entry) => entry.name.toString("hex"),
      })
      .map((entries): FsDirectory => ({ kind: "directory", entries })),
  }));
  return root === "any" ? tree.node : tree.directory;
}

/** Deterministic contents of a generated file (cheap to produce even for several MiB). */
export function fsFileContents(file: Pick<FsFile, "size" | "seed">): Buffer {
  const out = Buffer.allocUnsafe(file.size);
  let state = (file.seed * 2654435761 + 1) >>> 0;
  for (let index = 0; index < file.size; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[index] = state >>> 24;
  }
  return out;
}

/** Create `tree` at `root` (which must not exist; its parent must). Paths are joined as bytes. */
export async function writeFsTree(root: string | Buffer, tree: FsTree): Promise<void> {
  const rootPath = typeof root === "string" ? Buffer.from(root, "utf8") : root;
  switch (tree.kind) {
    case "file":
      await writeFile(rootPath, fsFileContents(tree), { flag: "wx" });
      await chmod(rootPath, tree.mode);
      return;
    case "symlink":
      await symlink(tree.target, rootPath);
      return;
    case "directory":
      await mkdir(rootPath);
      for (const { name, node } of tree.entries) {
        await writeFsTree(Buffer.concat([rootPath, Buffer.from("/"), name]), node);
      }
      return;
  }
}
