// The CLI against real Nix 2.8 on the same inputs: same bytes, same hashes, same listings, same keys.
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hasNix, narwhal, nix } from "./run-narwhal.js";
import { makeFixtureTree } from "./fixture-tree.js";

const nixAvailable = hasNix();
if (!nixAvailable && process.env.CI)
  throw new Error("real Nix (nix-store) is required in CI but was not found on PATH");

describe.skipIf(!nixAvailable)("narwhal CLI vs real Nix", () => {
  let tree: string;
  let narFile: string;
  let work: string;

  beforeAll(async () => {
    tree = await makeFixtureTree();
    work = await mkdtemp(join(tmpdir(), "narwhal-cli-work-"));
    narFile = join(work, "tree.nar");
    await writeFile(narFile, nix("nix-store", ["--dump", tree]));
  });

  it("nar dump-path writes exactly what nix-store --dump writes", async () => {
    const r = await narwhal(["nar", "dump-path", tree]);
    expect(r.status).toBe(0);
    expect(r.stdout.equals(nix("nix-store", ["--dump", tree]))).toBe(true);
  });

  it("nar dump-path and hash path of a many-file, multi-MiB tree (several dump threads, a pipe that fills) match Nix", async () => {
    const big = join(work, "big");
    for (let index = 0; index < 400; index++) {
      await mkdir(join(big, `d${index % 9}`), { recursive: true });
      await writeFile(
        join(big, `d${index % 9}`, `f${index}`),
        Buffer.alloc(index % 10 === 0 ? 700_000 : index * 37, index % 256),
      );
    }
    const r = await narwhal(["nar", "dump-path", big]);
    expect(r.status).toBe(0);
    expect(r.stdout.equals(nix("nix-store", ["--dump", big]))).toBe(true);
    expect((await narwhal(["hash", "path", "--base32", big])).stdout.toString()).toBe(
      nix("nix", ["hash", "path", "--base32", big]).toString(),
    );
  });

  it.each(["--base32", "--base16", "--base64", "--sri"])("hash path %s matches nix hash path", async (flag) => {
    const r = await narwhal(["hash", "path", flag, tree]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(nix("nix", ["hash", "path", flag, tree]).toString());
  });

  it("hash path --base32 matches nix-hash --type sha256 --base32", async () => {
    const r = await narwhal(["hash", "path", "--base32", tree]);
    expect(r.stdout.toString()).toBe(nix("nix-hash", ["--type", "sha256", "--base32", tree]).toString());
  });

  it("nar restore of a Nix-made NAR re-dumps identically", async () => {
    const target = join(work, "restored");
    const nar = nix("nix-store", ["--dump", tree]);
    const r = await narwhal(["nar", "restore", target], nar);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(nix("nix-store", ["--dump", target]).equals(nar)).toBe(true);
  });

  it("nar restore refuses an existing target and leaves it alone", async () => {
    const target = await mkdtemp(join(work, "existing-"));
    await writeFile(join(target, "keep"), "mine");
    const r = await narwhal(["nar", "restore", target], nix("nix-store", ["--dump", tree]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(target);
    expect(await readdir(target)).toEqual(["keep"]);
  });

  it("nix-store --restore accepts what nar dump-path writes", async () => {
    const ours = (await narwhal(["nar", "dump-path", tree])).stdout;
    const target = join(work, "nix-restored");
    nix("nix-store", ["--restore", target], ours);
    expect(nix("nix-store", ["--dump", target]).equals(ours)).toBe(true);
  });

  it.each([
    [["/"]],
    [["-l", "/"]],
    [["-R", "/"]],
    [["-lR", "/"]],
    [["-d", "/"]],
    [["/bin"]],
    [["-l", "/bin/hello"]],
    [["-l", "/share/link-to-hello"]],
    [["--json", "/"]],
    [["--json", "-R", "/"]],
    [["--json", "/bin/hello"]],
  ])("nar ls %j prints what nix nar ls prints", async (args) => {
    const flags = args.slice(0, -1);
    const path = args[args.length - 1]!;
    const r = await narwhal(["nar", "ls", ...flags, narFile, path]);
    expect(r.stderr).toBe("");
    const expected = nix("nix", ["nar", "ls", ...flags, narFile, path]).toString();
    // current Nix (2.35+) adds "executable": false to every non-executable regular file; Nix 2.8 omits it
    const executableFalse = (_key: string, value: unknown): unknown =>
      typeof value === "object" && value !== null && (value as { type?: unknown }).type === "regular"
        ? { executable: false, ...value }
        : value;
    if (flags.includes("--json"))
      expect(JSON.parse(r.stdout.toString())).toEqual(JSON.parse(expected, executableFalse));
    else expect(r.stdout.toString()).toBe(expected);
  });

  it("nar cat prints what nix nar cat prints", async () => {
    for (const p of ["/bin/hello", "/share/doc/README", "/empty"]) {
      const r = await narwhal(["nar", "cat", narFile, p]);
      expect(r.status).toBe(0);
      expect(r.stdout.equals(nix("nix", ["nar", "cat", narFile, p]))).toBe(true);
    }
  });

  it("nar cat of a directory or a missing path fails, naming the path", async () => {
    const dir = await narwhal(["nar", "cat", narFile, "/bin"]);
    expect(dir.status).toBe(1);
    expect(dir.stderr).toContain("/bin");
    const missing = await narwhal(["nar", "cat", narFile, "/no/such/file"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("/no/such/file");
  });

  it("a generated key converts to the same public key as nix key convert-secret-to-public", async () => {
    const secret = (await narwhal(["key", "generate-secret", "--key-name", "cache.example.org-1"])).stdout;
    expect(secret.toString()).toMatch(/^cache\.example\.org-1:[A-Za-z0-9+/]{86}==$/);
    const ours = (await narwhal(["key", "convert-secret-to-public"], secret)).stdout.toString();
    expect(ours).toBe(nix("nix", ["key", "convert-secret-to-public"], secret).toString());
  });

  it("converts a key generated by nix key generate-secret", async () => {
    const secret = nix("nix", ["key", "generate-secret", "--key-name", "nix-made-1"]);
    const ours = (await narwhal(["key", "convert-secret-to-public"], secret)).stdout.toString();
    expect(ours).toBe(nix("nix", ["key", "convert-secret-to-public"], secret).toString());
  });
});
