// NAR entry names and symlink targets are hostile input: `nar ls` and `store ls` (text and --json) and the errors
// that name a path show control characters as escapes, never raw, and keep ordinary Unicode as it is.

import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { narwhal } from "./run-narwhal.js";

/** Raw control characters a terminal acts on (C0 except the '\n' ending each line, DEL, C1), as code points. */
function rawControls(text: string): string[] {
  return [...text.matchAll(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g)].map(
    (match) => `U+${match[0].charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

// Linux file names may hold any byte but '/' and NUL: colour, clear-screen, title (OSC … BEL), a C1 CSI, a newline.
const RED = "red\u001b[31mname";
const CLEAR = "clear\u001b[2J\u001b[H";
const CSI = "csi\u009b1mname";
const NEWLINE = "fake\nline";
const TITLE_TARGET = "\u001b]0;pwned\u0007target";

/** A directory whose entry names hold control characters, made as a user would (a Linux name is any bytes but '/'). */
async function hostileTree(dir: string): Promise<string> {
  const tree = join(dir, "tree");
  await mkdir(join(tree, CLEAR), { recursive: true });
  await writeFile(join(tree, RED), "red\n");
  await writeFile(join(tree, CSI), "csi\n");
  await writeFile(join(tree, NEWLINE), "nl\n");
  await writeFile(join(tree, "café ünïcödé"), "plain\n");
  await writeFile(join(tree, CLEAR, "inner"), "inner\n");
  await symlink(TITLE_TARGET, join(tree, "link"));
  return tree;
}

function expectEscapedListing(stdout: string): void {
  expect(rawControls(stdout)).toEqual([]);
  expect(stdout).toContain("./red\\x1b[31mname");
  expect(stdout).toContain("./clear\\x1b[2J\\x1b[H");
  expect(stdout).toContain("./csi\\u009b1mname");
  expect(stdout).toContain("./fake\\x0aline");
  expect(stdout).toContain("./café ünïcödé");
}

describe("NAR entry names with control characters (nar dump-path, nar ls)", () => {
  let dir: string;
  let narFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "narwhal-terminal-nar-"));
    const dump = await narwhal(["nar", "dump-path", await hostileTree(dir)]);
    expect(dump.status).toBe(0);
    narFile = join(dir, "tree.nar");
    await writeFile(narFile, dump.stdout);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("nar ls prints every name escaped, one entry per line", async () => {
    const result = await narwhal(["nar", "ls", "-R", narFile]);
    expect(result.status).toBe(0);
    const stdout = result.stdout.toString();
    expectEscapedListing(stdout);
    expect(stdout).toContain("./clear\\x1b[2J\\x1b[H/inner");
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(7);
  });

  it("nar ls -l escapes the symlink target too", async () => {
    const stdout = (await narwhal(["nar", "ls", "-l", narFile])).stdout.toString();
    expectEscapedListing(stdout);
    expect(stdout).toContain("./link -> \\x1b]0;pwned\\x07target");
  });

  it("nar ls --json escapes C1 as \\u009b and still parses to the real names", async () => {
    const stdout = (await narwhal(["nar", "ls", "--json", "-R", narFile])).stdout.toString();
    expect(rawControls(stdout)).toEqual([]);
    expect(stdout).toContain("csi\\u009b1mname");
    const json = JSON.parse(stdout) as { entries: Record<string, { target?: string }> };
    expect(Object.keys(json.entries)).toEqual(expect.arrayContaining([RED, CLEAR, CSI, NEWLINE, "café ünïcödé"]));
    expect(json.entries["link"]?.target).toBe(TITLE_TARGET);
  });

  it("an error naming a path inside the NAR is escaped", async () => {
    const result = await narwhal(["nar", "ls", narFile, `/${RED}/below`]);
    expect(result.status).toBe(1);
    expect(rawControls(result.stderr.replace(/\n$/, ""))).toEqual([]);
    expect(result.stderr).toContain("red\\x1b[31mname");
  });
});

describe("NAR entry names with control characters (store add, store ls)", () => {
  let dir: string;
  let cacheUrl: string;
  let storePath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "narwhal-terminal-store-ls-"));
    cacheUrl = `file://${join(dir, "cache")}`;
    const added = await narwhal([
      "store",
      "add",
      await hostileTree(dir),
      "--to",
      `${cacheUrl}?write-nar-listing=true`,
      "--name",
      "hostile-names",
    ]);
    expect(added.stderr).toBe("");
    storePath = added.stdout.toString().trim();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("store ls (from the cache's .ls listing) escapes names, long and JSON", async () => {
    const text = await narwhal(["store", "ls", "--store", cacheUrl, "--no-require-sigs", "-R", "-l", storePath]);
    expect(text.stderr).toBe("");
    expectEscapedListing(text.stdout.toString());
    expect(text.stdout.toString()).toContain("./link -> \\x1b]0;pwned\\x07target");
    const json = (
      await narwhal(["store", "ls", "--store", cacheUrl, "--no-require-sigs", "--json", "-R", storePath])
    ).stdout.toString();
    expect(rawControls(json)).toEqual([]);
    expect(JSON.parse(json).entries).toHaveProperty([CSI]);
  });
});
