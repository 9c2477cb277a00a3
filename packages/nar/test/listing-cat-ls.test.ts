// listNar/formatNarListing against the `.ls` file real Nix writes, and catNar/lsNar against `nix nar cat/ls`.

import { mkdir, readdir, readFile, symlink, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { collectBytes, requireNix, runCommand, tempDir, type TempDir } from "@narwhal/test-kit";
import { catNar, dumpPath, formatNarListing, formatNarLs, listNar, lsNar } from "../src/index.js";
import { directory, entry, nar, regular, symlinkNode } from "./nar-builders.js";

let work: TempDir;
let treeNar: Buffer;

/** A tree with byte-order traps, JSON escapes, an executable, empty file/dir and a symlink. */
async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, "sub/deeper"), { recursive: true });
  await mkdir(join(root, "emptydir"));
  for (const [name, contents] of [
    ["10", "q"],
    ["2", "r"],
    ["B", "Z"],
    ["a", "hi"],
    ["empty", ""],
    ["é", "e"],
    ["\u{1F600}", "smile"],
    ["\uFF5E", "tilde"],
    ['we"ird\\name', "w"],
    ["ctl\u0001\u001f\u007f\nx", "c"],
  ] as const) {
    await writeFile(join(root, name), contents);
  }
  await writeFile(join(root, "sub/b"), "x".repeat(20));
  await chmod(join(root, "sub/b"), 0o755);
  await symlink("../a", join(root, "sub/link"));
  await symlink("tab\there", join(root, "tablink"));
}

beforeAll(async () => {
  work = await tempDir("narwhal-listing-");
  await makeTree(join(work.path, "tree"));
  treeNar = await collectBytes(dumpPath(join(work.path, "tree")));
});
afterAll(async () => work.remove());

describe("listNar", () => {
  it("describes sizes, executables, narOffset of the first content byte, and symlink targets", async () => {
    const listing = await listNar([nar(directory(entry("f", regular("hi", true)), entry("l", symlinkNode("t"))))]);
    const file = listing.root.type === "directory" ? listing.root.entries["f"] : undefined;
    expect(file).toEqual({ type: "regular", size: 2, executable: true, narOffset: 264 });
    expect(formatNarListing(listing)).toBe(
      '{"root":{"entries":{"f":{"executable":true,"narOffset":264,"size":2,"type":"regular"},"l":{"target":"t","type":"symlink"}},"type":"directory"},"version":1}',
    );
    expect(formatNarListing(listing, { form: "nix-2.8" })).toBe(
      '{"version":1,"root":{"type":"directory","entries":{"f":{"type":"regular","size":2,"executable":true,"narOffset":264},"l":{"type":"symlink","target":"t"}}}}',
    );
  });

  it("keeps byte order for names JS objects would reorder (integer-like keys)", async () => {
    const listing = await listNar([treeNar]);
    const text = formatNarListing(listing);
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"2"'));
    expect(text.indexOf('"B"')).toBeLessThan(text.indexOf('"a"'));
    expect(text.indexOf('"\uFF5E"')).toBeLessThan(text.indexOf('"\u{1F600}"'));
  });

  describe.runIf(requireNix())("compared with Nix's write-nar-listing", () => {
    it("produces its .ls text byte for byte with form nix-2.8, and the same listing (plus executable: false) by default", async () => {
      const storePath = (await runCommand("nix-store", ["--add", join(work.path, "tree")])).stdout.toString().trim();
      const cache = join(work.path, "cache");
      await runCommand("nix", ["copy", "--to", `file://${cache}?write-nar-listing=true&compression=none`, storePath], {
        env: { XDG_CACHE_HOME: join(work.path, "xdg") },
      });
      const hashPart = storePath.slice("/nix/store/".length, "/nix/store/".length + 32);
      const nixLs = await readFile(join(cache, `${hashPart}.ls`), "utf8");
      const listing = await listNar([treeNar]);
      expect(formatNarListing(listing, { form: "nix-2.8" })).toBe(nixLs);
      const withFalse = JSON.parse(nixLs, (_key, value: unknown) =>
        typeof value === "object" && value !== null && (value as { type?: unknown }).type === "regular"
          ? { executable: false, ...value }
          : value,
      );
      expect(JSON.parse(formatNarListing(listing))).toEqual(withFalse);
    });

    it("lsNar -l output equals `nix nar ls -l` for a directory, recursively, and for a single file", async () => {
      const narFile = join(work.path, "tree.nar");
      await writeFile(narFile, treeNar);
      for (const [path, recursive] of [
        ["/", false],
        ["/sub", true],
        ["/sub/b", false],
        ["/tablink", false],
      ] as const) {
        const args = ["nar", "ls", recursive ? "-lR" : "-l", narFile, path];
        const expected = (await runCommand("nix", args)).stdout.toString("utf8");
        expect(formatNarLs(await lsNar([treeNar], path, { recursive }), { long: true })).toBe(expected);
      }
      const short = (await runCommand("nix", ["nar", "ls", narFile, "/sub"])).stdout.toString("utf8");
      expect(formatNarLs(await lsNar([treeNar], "/sub"))).toBe(short);
    });
  });
});

describe("catNar", () => {
  it("streams one regular file", async () => {
    expect((await collectBytes(catNar([treeNar], "/sub/b"))).toString()).toBe("x".repeat(20));
    expect((await collectBytes(catNar([treeNar], "a"))).toString()).toBe("hi");
  });

  it("streams the root when the NAR is a single file", async () => {
    expect((await collectBytes(catNar([nar(regular("solo"))], "/"))).toString()).toBe("solo");
  });

  // Nix (2.33 and later) says "NAR does not contain regular file '<path as given>'" in each case; its
  // tests/functional/nar-access.sh greps that for /foo/baz/doesntexist, where /foo/baz is a regular file.
  it.each([
    ["/missing", "NAR_PATH_NOT_FOUND", "NAR does not contain regular file '/missing'"],
    ["/sub", "NAR_NOT_A_REGULAR_FILE", "NAR does not contain regular file '/sub': it is a directory"],
    ["/sub/link", "NAR_NOT_A_REGULAR_FILE", "NAR does not contain regular file '/sub/link': it is a symlink"],
    [
      "/a/inside",
      "NAR_PATH_NOT_FOUND",
      "NAR does not contain regular file '/a/inside': '/a' is a regular file, not a directory",
    ],
    ["sub/none", "NAR_PATH_NOT_FOUND", "NAR does not contain regular file 'sub/none'"],
  ])("refuses %s with %s", async (path, code, message) => {
    const error = await collectBytes(catNar([treeNar], path)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code, path: `/${path.replace(/^\//, "")}` });
    expect((error as Error).message).toBe(message);
  });

  it("still reports corruption after the requested file", async () => {
    const corrupt = Buffer.concat([treeNar, Buffer.from("x")]);
    await expect(collectBytes(catNar([corrupt], "/a"))).rejects.toMatchObject({ code: "NAR_TRAILING_BYTES" });
  });
});

describe("lsNar", () => {
  it("lists a directory's direct entries in NAR order", async () => {
    const entries = await lsNar([treeNar], "/sub");
    expect(entries.map((e) => [e.path, e.type, e.size, e.executable, e.target])).toEqual([
      ["./b", "regular", 20, true, undefined],
      ["./deeper", "directory", 0, false, undefined],
      ["./link", "symlink", 0, false, "../a"],
    ]);
  });

  it("refuses a missing path, saying it does not exist (what nar-access.sh greps of nix store ls)", async () => {
    await expect(lsNar([treeNar], "/nope")).rejects.toMatchObject({
      code: "NAR_PATH_NOT_FOUND",
      message: "path '/nope' does not exist in the NAR",
    });
    await expect(lsNar([treeNar], "/a/x")).rejects.toMatchObject({
      message: "path '/a/x' does not exist in the NAR: '/a' is a regular file, not a directory",
    });
    expect(await readdir(work.path)).toContain("tree");
  });
});
