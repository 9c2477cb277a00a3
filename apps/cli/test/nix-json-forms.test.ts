// The JSON and messages of nar ls/cat, store ls/cat and path-info against current Nix's facts (nar-access.sh and
// libstore-tests fixtures of Nix 2.35 / 2.32) and real Nix 2.8 on the same caches, written by Nix or by narwhal.
import { mkdir, mkdtemp, rm, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { narTokens } from "@narwhal/nar";
import { hashBytes, makeStorePath, parseHash } from "@narwhal/store-path";
import { pathInfoJson, pathInfosJson } from "../src/commands/path-info.js";
import { hasNix, narwhal, nix } from "./run-narwhal.js";

/** tests/functional/nar-access.nix's output as a NAR (its data file: 58 bytes once Nix strips the indentation). */
const DATA = '        lasjdöaxnasd\nasdom 12398\nä"§Æẞ¢«»”alsd\n';
const file = (contents: string): string[] => ["(", "type", "regular", "contents", contents, ")"];
const named = (name: string, node: string[]): string[] => ["entry", "(", "name", name, "node", ...node, ")"];
const narAccessNar = narTokens(
  "nix-archive-1",
  "(",
  "type",
  "directory",
  ...named("foo", [
    "(",
    "type",
    "directory",
    ...named("bar", file("")),
    ...named("baz", file("")),
    ...named("data", file(DATA)),
    ")",
  ]),
  ...named("foo-x", file("")),
  ...named("qux", file("")),
  ...named("zyx", ["(", "type", "directory", ")"]),
  ")",
);

/** Nix 2.8's listing JSON with `"executable": false` added to every regular file that lacks it: current Nix's value. */
const withExecutableFalse = (text: string): unknown =>
  JSON.parse(text, (_key, value: unknown) =>
    typeof value === "object" && value !== null && (value as { type?: unknown }).type === "regular"
      ? { executable: false, ...value }
      : value,
  );

/** libstore-tests/data/nar-info/impure.json (Nix 2.32): the key set and order of a binary-cache path's object. */
const NARINFO_JSON_KEYS = [
  "ca",
  "compression",
  "deriver",
  "downloadHash",
  "downloadSize",
  "narHash",
  "narSize",
  "references",
  "registrationTime",
  "signatures",
  "ultimate",
  "url",
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "narwhal-json-forms-"));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe("nar ls --json and nar cat print what current Nix prints", () => {
  let narFile: string;
  beforeAll(async () => {
    narFile = join(work, "path.nar");
    await writeFile(narFile, narAccessNar);
  });

  it.each([
    [["--json", "/"], '{"entries":{"foo":{},"foo-x":{},"qux":{},"zyx":{}},"type":"directory"}'],
    [
      ["--json", "-R", "/foo"],
      '{"entries":{"bar":{"executable":false,"narOffset":368,"size":0,"type":"regular"},"baz":{"executable":false,"narOffset":552,"size":0,"type":"regular"},"data":{"executable":false,"narOffset":736,"size":58,"type":"regular"}},"type":"directory"}',
    ],
    [["--json", "-R", "/foo/bar"], '{"executable":false,"narOffset":368,"size":0,"type":"regular"}'],
  ])("nar ls %j is nar-access.sh's expected JSON, keys in byte order", async (args, expected) => {
    const r = await narwhal(["nar", "ls", ...args.slice(0, -1), narFile, args[args.length - 1]!]);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe(`${expected}\n`);
  });

  it("nar ls --json refuses -d as Nix does", async () => {
    const r = await narwhal(["nar", "ls", "--json", "-d", narFile, "/"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'--directory' is useless with '--json'");
  });

  it("nar cat of a path under a regular file says what nar-access.sh greps", async () => {
    const r = await narwhal(["nar", "cat", narFile, "/foo/baz/doesntexist"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("NAR does not contain regular file '/foo/baz/doesntexist'");
    for (const path of ["/foo", "/nothing"])
      expect((await narwhal(["nar", "cat", narFile, path])).stderr).toContain(
        `NAR does not contain regular file '${path}'`,
      );
  });

  it.runIf(hasNix())("nar ls --json holds Nix 2.8's value plus executable: false", async () => {
    for (const args of [
      ["--json", "/"],
      ["--json", "-R", "/"],
      ["--json", "/foo/data"],
    ]) {
      const ours = (
        await narwhal(["nar", "ls", ...args.slice(0, -1), narFile, args[args.length - 1]!])
      ).stdout.toString();
      expect(JSON.parse(ours)).toEqual(
        withExecutableFalse(
          nix("nix", ["nar", "ls", ...args.slice(0, -1), narFile, args[args.length - 1]!]).toString(),
        ),
      );
    }
  });
});

describe("path-info --json objects (Nix 2.32's NarInfo::toJSON)", () => {
  const path = makeStorePath("output:out", hashBytes("sha256", "json forms"), "forms-1.0");
  const other = makeStorePath("output:out", hashBytes("sha256", "json forms dep"), "dep-1.0");
  const info = {
    storePath: path,
    url: "nar/x.nar",
    compression: "",
    narHash: hashBytes("sha256", "nar"),
    narSize: 8,
    fileSize: 0,
    references: [path, other, path],
    sigs: ["z:AA==", "a:AA==", "z:AA=="],
  };

  it("sorts and dedupes references and signatures, reads no Compression as bzip2, drops a zero download size", () => {
    const json = pathInfoJson(info);
    expect(Object.keys(json)).toEqual(
      NARINFO_JSON_KEYS.filter((key) => key !== "downloadHash" && key !== "downloadSize"),
    );
    expect(json).toEqual({
      ca: null,
      compression: "bzip2",
      deriver: null,
      narHash: `sha256-${hashBytes("sha256", "nar").digest.toString("base64")}`,
      narSize: 8,
      references: [other.path, path.path].sort(),
      registrationTime: null,
      signatures: ["a:AA==", "z:AA=="],
      ultimate: false,
      url: "nar/x.nar",
    });
  });

  it("keys the document by full store path, in byte order, each once, null when absent", () => {
    const document = pathInfosJson([
      [path.path, info],
      [other.path, undefined],
      [path.path, info],
    ]);
    expect(Object.keys(document)).toEqual([path.path, other.path].sort());
    expect(document[other.path]).toBeNull();
    expect(
      Object.keys(pathInfoJson({ ...info, fileHash: parseHash(`sha256:${"0".repeat(52)}`), fileSize: 3 })),
    ).toEqual(NARINFO_JSON_KEYS);
  });
});

describe.skipIf(!hasNix())("store ls, store cat and path-info on caches written by Nix 2.8 and by narwhal", () => {
  let storePath: string;
  const caches: Record<"nix" | "narwhal", string> = { nix: "", narwhal: "" };
  const nixIn = (cache: string, args: string[]): string => nix("nix", [...args, "--store", cache]).toString();

  beforeAll(async () => {
    const tree = join(work, "t");
    await mkdir(join(tree, "sub"), { recursive: true });
    for (const [name, text] of [
      ["10", "ten\n"],
      ["2", "two\n"],
      ["B", "b\n"],
      ["a", "a\n"],
    ] as const)
      await writeFile(join(tree, name), text);
    await writeFile(join(tree, "sub/tool"), "#!/bin/sh\n");
    await chmod(join(tree, "sub/tool"), 0o755);
    await symlink("10", join(tree, "link"));
    storePath = nix("nix-store", ["--add", tree]).toString().trim();
    nix("nix-store", ["--generate-binary-cache-key", "forms-1", join(work, "sk"), join(work, "pk")]);
    caches.nix = `file://${join(work, "by-nix")}`;
    caches.narwhal = `file://${join(work, "by-narwhal")}`;
    process.env.XDG_CACHE_HOME = join(work, "xdg"); // Nix's narinfo cache, fresh for this test (read by nix())
    nix("nix", [
      "copy",
      "--to",
      `${caches.nix}?write-nar-listing=true&compression=xz&secret-key=${join(work, "sk")}`,
      storePath,
    ]);
    const copied = await narwhal([
      "copy",
      "--to",
      `${caches.narwhal}?write-nar-listing=true&compression=xz&secret-key=${join(work, "sk")}`,
      storePath,
    ]);
    expect(copied.status, copied.stderr).toBe(0);
  });
  afterAll(() => {
    delete process.env.XDG_CACHE_HOME;
  });

  it("store ls --json prints the same bytes whoever wrote the cache: current Nix's form of Nix 2.8's listing", async () => {
    for (const args of [["--json"], ["--json", "-R"]]) {
      const [byNix, byNarwhal] = await Promise.all(
        [caches.nix, caches.narwhal].map((cache) =>
          narwhal(["store", "ls", "--store", cache, "--no-require-sigs", ...args, storePath]),
        ),
      );
      expect(byNix!.stderr).toBe("");
      expect(byNarwhal!.stdout.toString()).toBe(byNix!.stdout.toString());
      const text = byNix!.stdout.toString();
      expect(JSON.parse(text)).toEqual(withExecutableFalse(nixIn(caches.nix, ["store", "ls", ...args, storePath])));
      expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"2"'));
      expect(text.indexOf('"entries"')).toBeLessThan(text.indexOf('"type"'));
    }
    const file = (
      await narwhal(["store", "ls", "--store", caches.nix, "--no-require-sigs", "--json", `${storePath}/sub/tool`])
    ).stdout.toString();
    expect(file).toMatch(/^\{"executable":true,"narOffset":\d+,"size":10,"type":"regular"\}\n$/);
  });

  it("store cat of a missing file says nix nar cat's words", async () => {
    const r = await narwhal(["store", "cat", "--store", caches.narwhal, "--no-require-sigs", `${storePath}/sub/none`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("does not exist");
    expect(r.stderr).toContain("NAR does not contain regular file 'sub/none'");
  });

  it("path-info --json: Nix 2.32's keyed object, with Nix 2.8's values for the keys both have", async () => {
    for (const cache of [caches.nix, caches.narwhal]) {
      const r = await narwhal(["path-info", "--store", cache, "--no-require-sigs", "--json", storePath]);
      expect(r.stderr).toBe("");
      const document = JSON.parse(r.stdout.toString()) as Record<string, Record<string, unknown>>;
      expect(Object.keys(document)).toEqual([storePath]);
      const ours = document[storePath]!;
      expect(Object.keys(ours)).toEqual(NARINFO_JSON_KEYS);
      expect(ours).toMatchObject({ compression: "xz", deriver: null, registrationTime: null, ultimate: false });
      const [theirs] = JSON.parse(nixIn(cache, ["path-info", "--json", storePath])) as Array<Record<string, unknown>>;
      for (const [key, value] of Object.entries(theirs!)) if (key !== "path") expect(ours[key], key).toEqual(value);
    }
    const missing = makeStorePath("output:out", hashBytes("sha256", "not there"), "absent").path;
    const r = await narwhal(["path-info", "--store", caches.nix, "--no-require-sigs", "--json", storePath, missing]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString())[missing]).toBeNull();
  });
});
