// The listing JSON forms against current Nix's facts (nar-access.sh's expected `nar ls --json` output and
// libutil-tests' nar-listing fixtures, Nix 2.35) and against real Nix 2.8 reading what narwhal writes.

import { mkdir, readdir, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBytes, requireNix, runCommand, tempDir, type TempDir } from "@narwhal/test-kit";
import {
  dumpPath,
  formatNarListing,
  formatNarListingNode,
  listNar,
  type NarListing,
  type NarListingNode,
} from "../src/index.js";
import { directory, entry, nar, regular } from "./nar-builders.js";

/** tests/functional/nar-access.nix's output: its data file is these 58 bytes (after Nix strips the indentation). */
const DATA = '        lasjdöaxnasd\nasdom 12398\nä"§Æẞ¢«»”alsd\n';
const narAccessNar = nar(
  directory(
    entry("foo", directory(entry("bar", regular("")), entry("baz", regular("")), entry("data", regular(DATA)))),
    entry("foo-x", regular("")),
    entry("qux", regular("")),
    entry("zyx", directory()),
  ),
);

function child(node: NarListingNode, name: string): NarListingNode {
  if (node.type !== "directory") throw new Error(`not a directory: ${name}`);
  return node.entries[name]!;
}

/** A fixture's JSON compacted with its own key order: the bytes nlohmann's dump() gives for it. */
const compact = (text: string): string => JSON.stringify(JSON.parse(text));

describe("current Nix's forms (facts of Nix 2.35's tests)", () => {
  it("nar ls --json -R /foo: executable false on every regular file, narOffset, keys in byte order (nar-access.sh)", async () => {
    expect(Buffer.byteLength(DATA)).toBe(58);
    const listing = await listNar([narAccessNar]);
    const foo = child(listing.root, "foo");
    expect(formatNarListingNode(foo)).toBe(
      compact(`{"entries":{
        "bar":{"executable":false,"narOffset":368,"size":0,"type":"regular"},
        "baz":{"executable":false,"narOffset":552,"size":0,"type":"regular"},
        "data":{"executable":false,"narOffset":736,"size":58,"type":"regular"}},"type":"directory"}`),
    );
    expect(formatNarListingNode(child(foo, "bar"))).toBe(
      '{"executable":false,"narOffset":368,"size":0,"type":"regular"}',
    );
  });

  it("nar ls --json / without -R: directory entries are {} (nar-access.sh)", async () => {
    const listing = await listNar([narAccessNar]);
    expect(formatNarListingNode(listing.root, { shallow: true })).toBe(
      '{"entries":{"foo":{},"foo-x":{},"qux":{},"zyx":{}},"type":"directory"}',
    );
    expect(formatNarListingNode(child(child(listing.root, "foo"), "bar"), { shallow: true })).toBe(
      '{"executable":false,"narOffset":368,"size":0,"type":"regular"}',
    );
  });

  it("deep and shallow listings equal libutil-tests/data/nar-listing/{deep,shallow}.json", () => {
    const root: NarListingNode = {
      type: "directory",
      entries: {
        bar: {
          type: "directory",
          entries: {
            baz: { type: "regular", size: 19, executable: true },
            quux: { type: "symlink", target: "/over/there" },
          },
        },
        foo: { type: "regular", size: 15 },
      },
    };
    const deep = `{"entries":{"bar":{"entries":{"baz":{"executable":true,"size":19,"type":"regular"},
      "quux":{"target":"/over/there","type":"symlink"}},"type":"directory"},
      "foo":{"executable":false,"size":15,"type":"regular"}},"type":"directory"}`;
    expect(formatNarListingNode(root)).toBe(compact(deep));
    expect(formatNarListingNode(root, { shallow: true })).toBe(
      compact('{"entries":{"bar":{},"foo":{}},"type":"directory"}'),
    );
  });

  it('a .ls file is {"root":…,"version":1} (binary-cache-store.cc dumps an nlohmann object)', async () => {
    const listing = await listNar([narAccessNar]);
    const text = formatNarListing(listing);
    expect(text.startsWith('{"root":{"entries":{"foo":{"entries":{"bar":{"executable":false,"narOffset":368,')).toBe(
      true,
    );
    expect(text.endsWith(',"type":"directory"},"version":1}')).toBe(true);
    expect(JSON.parse(text)).toEqual({ root: JSON.parse(formatNarListingNode(listing.root)), version: 1 });
  });

  it('keeps Nix 2.8\'s bytes behind form: "nix-2.8" (and the deprecated keyOrder names both forms)', async () => {
    const listing = await listNar([narAccessNar]);
    const old = formatNarListing(listing, { form: "nix-2.8" });
    expect(
      old.startsWith(
        '{"version":1,"root":{"type":"directory","entries":{"foo":{"type":"directory","entries":{"bar":{"type":"regular","size":0,"narOffset":368}',
      ),
    ).toBe(true);
    expect(old).not.toContain("executable");
    expect(formatNarListing(listing, { keyOrder: "nix" })).toBe(old);
    expect(formatNarListing(listing, { keyOrder: "sorted" })).toBe(formatNarListing(listing));
  });

  it("escapes strings through the caller's quote, keeping byte order of names", () => {
    const root: NarListingNode = {
      type: "directory",
      entries: { "2": { type: "symlink", target: "a\u009bb" }, "10": { type: "regular", size: 1 } },
    };
    const quote = (text: string): string => JSON.stringify(text).replace(/\u009b/g, "\\u009b");
    expect(formatNarListingNode(root, { quote })).toBe(
      '{"entries":{"10":{"executable":false,"size":1,"type":"regular"},"2":{"target":"a\\u009bb","type":"symlink"}},"type":"directory"}',
    );
  });
});

describe.runIf(requireNix())("real Nix 2.8 reads the listings narwhal writes", () => {
  let work: TempDir;
  let storePath: string;
  let cacheUrl: string;
  let narCache: string;
  let listing: NarListing;
  const env = (): Record<string, string> => ({
    XDG_CACHE_HOME: join(work.path, `xdg-${Math.random().toString(36).slice(2)}`),
    NIX_CONFIG: "experimental-features = nix-command",
  });

  beforeAll(async () => {
    work = await tempDir("narwhal-listing-forms-");
    const tree = join(work.path, "tree");
    await mkdir(join(tree, "sub"), { recursive: true });
    await writeFile(join(tree, "plain"), "plain\n");
    await writeFile(join(tree, "sub/tool"), "#!/bin/sh\n");
    await chmod(join(tree, "sub/tool"), 0o755);
    storePath = (await runCommand("nix-store", ["--add", tree])).stdout.toString().trim();
    cacheUrl = `file://${join(work.path, "cache")}`;
    await runCommand("nix", ["copy", "--to", `${cacheUrl}?compression=none`, storePath], { env: env() });
    narCache = join(work.path, "nar-cache");
    listing = await listNar([await collectBytes(dumpPath(tree))]);
  });
  afterAll(async () => work.remove());

  /** Runs `nix store …` against the cache with the local NAR cache, where Nix 2.8 reads `<hash>.ls`. */
  async function nixStore(...args: string[]): Promise<string> {
    return (
      await runCommand("nix", ["store", ...args, "--store", `${cacheUrl}?local-nar-cache=${narCache}`], { env: env() })
    ).stdout.toString();
  }

  it('takes a local-nar-cache .ls with "executable": false (nix store ls -lR, nix store cat through narOffset)', async () => {
    const expected = await nixStore("ls", "-lR", storePath);
    const hashPart = storePath.slice("/nix/store/".length, "/nix/store/".length + 32);
    expect((await readdir(narCache)).sort()).toEqual([`${hashPart}.ls`, `${hashPart}.nar`]);
    const ours = formatNarListingNode(listing.root);
    expect(ours).toContain('"executable":false');
    await writeFile(join(narCache, `${hashPart}.ls`), ours);
    expect(await nixStore("ls", "-lR", storePath)).toBe(expected);
    expect(await nixStore("cat", `${storePath}/sub/tool`)).toBe("#!/bin/sh\n");
    // the listing is what Nix read: with the executable flag turned off there, Nix shows the tool read-only
    const altered = structuredClone(listing.root);
    delete (child(child(altered, "sub"), "tool") as { executable?: true }).executable;
    await writeFile(join(narCache, `${hashPart}.ls`), formatNarListingNode(altered));
    expect(await nixStore("ls", "-l", `${storePath}/sub`)).toMatch(/^-r--r--r-- +10 \.\/tool\n$/);
  });
});
