import { createHash } from "node:crypto";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import fc from "fast-check";
import { type FsTree, arbFsTree, collectBytes, runCommand, withTempDir, writeFsTree } from "@narwhal/test-kit";
import { describe, expect, it } from "vitest";
import { GIT_MODE, NarError, dumpPath, gitTreeHashOfNar, hashGitTree, narToken, narU64 } from "../src/index.js";
import { chunked, directory, entry, nar, regular, symlinkNode } from "./nar-builders.js";

type Algorithm = "sha1" | "sha256";
const GIT_OPTIONS = [
  "-c",
  "core.excludesFile=/dev/null",
  "-c",
  "core.protectNTFS=false",
  "-c",
  "core.autocrlf=false",
  "-c",
  "core.symlinks=true",
  "-c",
  "core.fileMode=true",
];

/** A git repository outside the tree, so the tree's NAR holds no .git. */
async function gitRepo(dir: string, algorithm: Algorithm): Promise<string[]> {
  await runCommand("git", ["init", "-q", `--object-format=${algorithm}`, `${dir}/repo`]);
  return [...GIT_OPTIONS, `--git-dir=${dir}/repo/.git`];
}

/** `git add -A && git write-tree` of `tree` (a directory), as real git computes it. */
async function gitWriteTree(dir: string, tree: string, algorithm: Algorithm): Promise<string> {
  const git = await gitRepo(dir, algorithm);
  await runCommand("git", [...git, `--work-tree=${tree}`, "add", "-A", "."], { cwd: tree });
  return (await runCommand("git", [...git, "write-tree"])).stdout.toString().trim();
}

async function oursOf(path: string, algorithm: Algorithm, chunkSize?: number): Promise<string> {
  const bytes = await collectBytes(dumpPath(path));
  return (await gitTreeHashOfNar(chunkSize === undefined ? [bytes] : chunked(bytes, chunkSize), algorithm)).toString(
    "hex",
  );
}

/** What git's index can hold: no directory without a file or symlink below it, no name git reserves (.git…). */
function gitVisible(tree: FsTree, isRoot = true): FsTree | undefined {
  if (tree.kind !== "directory") return tree;
  const entries = tree.entries
    .filter(({ name }) => !/^\.git/i.test(name.toString("latin1")))
    .flatMap(({ name, node }) => {
      const kept = gitVisible(node, false);
      return kept === undefined ? [] : [{ name, node: kept }];
    });
  return entries.length === 0 && !isRoot ? undefined : { kind: "directory", entries };
}

describe("gitTreeHashOfNar against real git", () => {
  it.each<[Algorithm, number]>([
    ["sha1", 25],
    ["sha256", 12],
  ])("random trees: equals git write-tree (%s)", async (algorithm, numRuns) => {
    await fc.assert(
      fc.asyncProperty(
        arbFsTree({ largeFiles: false }).map((tree) => gitVisible(tree)!),
        fc.integer({ min: 1, max: 300 }),
        (tree, chunkSize) =>
          withTempDir(async (dir) => {
            await writeFsTree(`${dir}/t`, tree);
            const expected = await gitWriteTree(dir, `${dir}/t`, algorithm);
            expect(await oursOf(`${dir}/t`, algorithm, chunkSize)).toBe(expected);
          }),
      ),
      { numRuns },
    );
  });

  it("a tree with a 3 MiB file equals git write-tree (sha1)", () =>
    withTempDir(async (dir) => {
      await mkdir(`${dir}/t`);
      await writeFile(`${dir}/t/big`, Buffer.alloc(3 * 1024 * 1024, 0x61));
      expect(await oursOf(`${dir}/t`, "sha1")).toBe(await gitWriteTree(dir, `${dir}/t`, "sha1"));
    }));

  it("sorts a directory as if its name ended in '/' (a.b < a/ < a0), as git does", () =>
    withTempDir(async (dir) => {
      for (const name of ["a", "a/x", "b"]) await mkdir(`${dir}/t/${name}`, { recursive: true });
      for (const name of ["a.b", "a0", "a/x/f", "b/g", "b-"]) await writeFile(`${dir}/t/${name}`, name);
      for (const algorithm of ["sha1", "sha256"] as const) {
        expect(await oursOf(`${dir}/t`, algorithm)).toBe(
          await gitWriteTree(`${dir}/${algorithm}`, `${dir}/t`, algorithm),
        );
      }
    }));

  it.each<Algorithm>(["sha1", "sha256"])("a single regular file is its blob: git hash-object (%s)", (algorithm) =>
    withTempDir(async (dir) => {
      await writeFile(`${dir}/f`, "Hello World\n\0 binary \xff");
      const git = await gitRepo(dir, algorithm);
      const expected = (await runCommand("git", [...git, "hash-object", `${dir}/f`])).stdout.toString().trim();
      expect(await oursOf(`${dir}/f`, algorithm)).toBe(expected);
      await chmod(`${dir}/f`, 0o755); // the root's mode is not part of a blob
      expect(await oursOf(`${dir}/f`, algorithm)).toBe(expected);
    }),
  );

  it.each<Algorithm>(["sha1", "sha256"])("a symlink at the root is the blob of its target (%s)", (algorithm) =>
    withTempDir(async (dir) => {
      await symlink("../some/where", `${dir}/l`);
      const git = await gitRepo(dir, algorithm);
      const expected = (
        await runCommand("git", [...git, "hash-object", "--stdin"], { input: Buffer.from("../some/where") })
      ).stdout
        .toString()
        .trim();
      expect(await oursOf(`${dir}/l`, algorithm)).toBe(expected);
    }),
  );

  it.each<Algorithm>(["sha1", "sha256"])(
    "empty directories are tree entries, as in Nix (git mktree, %s)",
    (algorithm) =>
      withTempDir(async (dir) => {
        await mkdir(`${dir}/t/empty`, { recursive: true });
        await writeFile(`${dir}/t/f`, "x");
        const git = await gitRepo(dir, algorithm);
        const emptyTree = (await runCommand("git", [...git, "mktree"], { input: Buffer.alloc(0) })).stdout
          .toString()
          .trim();
        const blob = (await runCommand("git", [...git, "hash-object", "-w", `${dir}/t/f`])).stdout.toString().trim();
        const listing = `040000 tree ${emptyTree}\tempty\n100644 blob ${blob}\tf\n`;
        const expected = (await runCommand("git", [...git, "mktree"], { input: Buffer.from(listing) })).stdout
          .toString()
          .trim();
        expect(await oursOf(`${dir}/t`, algorithm)).toBe(expected);
      }),
  );
});

describe("gitTreeHashOfNar against Nix's own expectations", () => {
  // tests/functional/git-hashing/simple-sha1.sh and simple-sha256.sh
  const cases: [string, (root: string) => Promise<void>, Record<Algorithm, string>][] = [
    [
      "test0: a blob",
      (root) => writeFile(root, "Hello World\n"),
      {
        sha1: "557db03de997c86a4a028e1ebd3a1ceb225be238",
        sha256: "7c5c8610459154bdde4984be72c48fb5d9c1c4ac793a6b5976fe38fd1b0b1284",
      },
    ],
    [
      "test1: a file and an executable",
      async (root) => {
        await mkdir(root);
        await writeFile(`${root}/hello`, "Hello World\n");
        await writeFile(`${root}/executable`, "Run Hello World\n", { mode: 0o755 });
      },
      {
        sha1: "e5c0a11a556801a5c9dcf330ca9d7e2c572697f4",
        sha256: "cd79952f42462467d0ea574b0283bb6eb77e15b2b86891e29f2b981650365474",
      },
    ],
    [
      "test4: a nested directory",
      async (root) => {
        await mkdir(`${root}/dir`, { recursive: true });
        await writeFile(`${root}/dir/file`, "Hello World!\n");
        await writeFile(`${root}/dir/executable`, "Run Hello World!\n", { mode: 0o755 });
      },
      {
        sha1: "f227adfaf60d2778aabbf93df6dd061272d2dc85",
        sha256: "d3ae8fc87e76b9b871bd06a58c925c5fb5f83b5393f9f58e4f6dba3f59470289",
      },
    ],
    [
      "test5: an empty file and a symlink",
      async (root) => {
        await mkdir(`${root}/dir`, { recursive: true });
        await writeFile(`${root}/dir/file`, "");
        await symlink("./hello/world.txt", `${root}/dir/symlink`);
      },
      {
        sha1: "06f3e789820fc488d602358f03e3a1cbf993bf33",
        sha256: "8c090dd057e8e01ffe1fec24a3133dfe52ba4eda822e67ee7fefc2af7c6a2906",
      },
    ],
  ];
  it.each(cases)("%s", (_label, make, expected) =>
    withTempDir(async (dir) => {
      await make(`${dir}/hash-path`);
      expect(await oursOf(`${dir}/hash-path`, "sha1")).toBe(expected.sha1);
      expect(await oursOf(`${dir}/hash-path`, "sha256", 7)).toBe(expected.sha256);
    }),
  );

  // src/libutil-tests/data/git: hello-world.bin's blob, and tree-sha1/-sha256 (.txt listing, .bin encoding)
  const HELLO = Buffer.from("Hello \n\0\n\t World", "latin1");
  it("the hello-world.bin blob (a file with a NUL byte)", async () => {
    expect((await gitTreeHashOfNar([nar(regular(HELLO))], "sha1")).toString("hex")).toBe(
      "63ddb340119baf8492d2da53af47e8c7cfcd5eb2",
    );
    expect((await gitTreeHashOfNar([nar(regular(HELLO))], "sha256")).toString("hex")).toBe(
      "ce60f5ad78a08ac24872ef74d78b078f077be212e7a246893a1a5d957dfbc8b1",
    );
  });

  it("hashGitTree of tree-sha1.txt / tree-sha256.txt hashes to the sha1/sha256 of tree-*.bin", () => {
    const tree = (blob: string, empty: string) => [
      { name: Buffer.from("quuX"), mode: GIT_MODE.symlink, hash: Buffer.from(blob, "hex") },
      { name: Buffer.from("baZ"), mode: GIT_MODE.directory, hash: Buffer.from(empty, "hex") },
      { name: Buffer.from("bAr"), mode: GIT_MODE.executable, hash: Buffer.from(blob, "hex") },
      { name: Buffer.from("Foo"), mode: GIT_MODE.regular, hash: Buffer.from(blob, "hex") },
    ];
    expect(
      hashGitTree(
        "sha1",
        tree("63ddb340119baf8492d2da53af47e8c7cfcd5eb2", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
      ).toString("hex"),
    ).toBe("a2f3952a36f713c0d57e3c7094dbe382e15d84e3");
    expect(
      hashGitTree(
        "sha256",
        tree(
          "ce60f5ad78a08ac24872ef74d78b078f077be212e7a246893a1a5d957dfbc8b1",
          "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
        ),
      ).toString("hex"),
    ).toBe("42e02889d06d91a7c9ecaa47b094de15148d91c882c99bd8776f985563c17ea4");
  });

  it("an empty directory is the empty tree (tree-sha1.txt / tree-sha256.txt)", async () => {
    expect((await gitTreeHashOfNar([nar(directory())], "sha1")).toString("hex")).toBe(
      "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    );
    expect((await gitTreeHashOfNar([nar(directory())], "sha256")).toString("hex")).toBe(
      "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
    );
  });
});

describe("gitTreeHashOfNar refusals and bounds", () => {
  it("rejects a malformed NAR with the parser's NarError", async () => {
    const bad = nar(directory(entry("b", regular("x")), entry("a", regular("y")))); // unsorted entries
    await expect(gitTreeHashOfNar([bad], "sha1")).rejects.toBeInstanceOf(NarError);
    await expect(
      gitTreeHashOfNar([nar(directory(entry("a", symlinkNode("t")))).subarray(0, 60)], "sha1"),
    ).rejects.toMatchObject({ code: "NAR_TRUNCATED" });
  });

  it("refuses an algorithm git hashing does not use", async () => {
    await expect(gitTreeHashOfNar([nar(directory())], "md5" as "sha1")).rejects.toThrow(
      /git hashing uses sha1 or sha256, got "md5"/,
    );
  });

  it("streams a 256 MiB file without holding it (heap grows far less than the file)", async () => {
    const size = 256 * 1024 * 1024;
    const piece = Buffer.alloc(1024 * 1024, 0x7a);
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.concat([
        narToken("nix-archive-1"),
        narToken("("),
        narToken("type"),
        narToken("regular"),
        narToken("contents"),
        narU64(size),
      ]);
      for (let sent = 0; sent < size; sent += piece.length) yield piece;
      yield narToken(")");
    }
    const expected = createHash("sha1").update(`blob ${size}\0`);
    for (let sent = 0; sent < size; sent += piece.length) expected.update(piece);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    try {
      expect((await gitTreeHashOfNar(source(), "sha1")).equals(expected.digest())).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});
