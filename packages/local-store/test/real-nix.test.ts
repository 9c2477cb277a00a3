// Interop with real Nix 2.8: what we read from the database equals `nix path-info --json`, closures equal
// `nix-store -qR` in topological order, chroot stores made by `nix copy` read back, NARs equal `nix-store --dump`.

import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collectBytes, nixStoreDump, requireNix } from "@narwhal/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStore, LocalStoreError, openLocalStore } from "../src/index.js";
import { asNixJson, firstOutOfOrder, sortByPath } from "./support/compare.js";
import { lines, makeTempDir, nix, nixPathInfo, removeTempDirs } from "./support/nix-cli.js";

// Three input-addressed outputs over a text file: `top` is a directory with an executable, a symlink and a self
// reference, referring to `mid` and to the text file; `mid` refers to the text file.
const EXPRESSION = `
let
  dep = builtins.toFile "narwhal-local-store-dep" "shared dependency";
  mid = derivation {
    name = "narwhal-local-store-mid";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "echo \${dep} > $out" ];
  };
in derivation {
  name = "narwhal-local-store-top";
  system = builtins.currentSystem;
  PATH = "/bin:/usr/bin";
  builder = "/bin/sh";
  args = [ "-c" "mkdir $out; echo \${mid} \${dep} > $out/refs; echo $out > $out/self; printf '#!/bin/sh\\\\n' > $out/run; chmod +x $out/run; ln -s \${mid} $out/link" ];
}
`;

const expectLocalStoreError = (action: () => unknown, code: string, mentioned: string): void => {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(LocalStoreError);
  expect((caught as LocalStoreError).code).toBe(code);
  expect((caught as LocalStoreError).message).toContain(mentioned);
};

describe.runIf(requireNix())("a local store read next to real Nix", () => {
  let top: string;
  let mid: string;
  let dep: string;
  let topDrv: string;
  let added: string;
  let store: LocalStore;

  beforeAll(() => {
    const work = makeTempDir("work");
    writeFileSync(join(work, "paths.nix"), EXPRESSION);
    top = nix("nix-build", ["--no-out-link", join(work, "paths.nix")]);
    topDrv = nix("nix-store", ["--query", "--deriver", top]);
    const references = lines(nix("nix-store", ["--query", "--references", top]));
    mid = references.find((path) => path.endsWith("-narwhal-local-store-mid"))!;
    dep = references.find((path) => path.endsWith("-narwhal-local-store-dep"))!;
    const tree = join(work, "tree");
    mkdirSync(join(tree, "sub"), { recursive: true });
    writeFileSync(join(tree, "sub", "file.txt"), "added with nix-store --add\n");
    added = nix("nix-store", ["--add", tree]);
    store = openLocalStore();
  });

  afterAll(() => {
    store?.close();
    removeTempDirs();
  });

  it("reads the same path info as nix path-info --json for built, text, fixed-output and derivation paths", () => {
    expect(store.databaseMode).toBe("wal");
    const outputs = [top, mid, dep, added];
    expect(sortByPath(outputs.map((path) => asNixJson(store.queryPathInfo(path)!)))).toEqual(nixPathInfo(outputs));
    expect(asNixJson(store.queryPathInfo(topDrv)!)).toEqual(nixPathInfo([topDrv], ["--derivation"])[0]);
    const info = store.queryPathInfo(top)!;
    expect(info.references.map(String)).toEqual([top, mid, dep].sort());
    expect(info.ultimate).toBe(true);
    expect(store.queryPathInfo(added)!.ca).toMatch(/^fixed:r:sha256:/);
    expect(store.queryPathInfo(dep)!.ca).toMatch(/^text:sha256:/);
  });

  it("computes the closure nix-store -qR computes, references before referrers, whatever the order of the roots", () => {
    const closure = store.computeClosure([top, added]);
    const paths = closure.map((info) => info.storePath.path);
    expect([...paths].sort()).toEqual(lines(nix("nix-store", ["-qR", top, added])));
    expect(firstOutOfOrder(closure)).toBe(-1);
    expect(paths.indexOf(dep)).toBeLessThan(paths.indexOf(mid));
    expect(paths.indexOf(mid)).toBeLessThan(paths.indexOf(top));
    expect(store.computeClosure([added, top]).map((info) => info.storePath.path)).toEqual(paths);
  });

  it("adds the outputs of derivations with includeOutputs, like nix-store -qR --include-outputs", () => {
    const closure = store.computeClosure([topDrv], { includeOutputs: true });
    expect(closure.map((info) => info.storePath.path).sort()).toEqual(
      lines(nix("nix-store", ["-qR", "--include-outputs", topDrv])),
    );
    expect(closure.map((info) => info.storePath.path)).toContain(top);
    expect(firstOutOfOrder(closure)).toBe(-1);
    expect(store.computeClosure([topDrv]).map((info) => info.storePath.path)).not.toContain(top);
  });

  it("answers referrers, hash-part look-ups and validity like Nix", () => {
    expect(store.queryReferrers(dep).map(String)).toEqual(lines(nix("nix-store", ["--query", "--referrers", dep])));
    expect(store.queryReferrers(top).map(String)).toEqual(lines(nix("nix-store", ["--query", "--referrers", top])));
    const hashPart = top.slice("/nix/store/".length, "/nix/store/".length + 32);
    expect(store.queryPathFromHashPart(hashPart)?.path).toBe(top);
    expect(store.queryPathFromHashPart("00000000000000000000000000000000")).toBeUndefined();
    expect(store.isValidPath(top)).toBe(true);
    const missing = "/nix/store/00000000000000000000000000000000-not-there";
    expect(store.isValidPath(missing)).toBe(false);
    expect(store.queryPathInfo(missing)).toBeUndefined();
    expect(store.queryAllValidPaths().map(String)).toEqual(expect.arrayContaining([top, mid, dep, added, topDrv]));
  });

  it("refuses, by name, a path that is not valid or not a store path", () => {
    const missing = "/nix/store/00000000000000000000000000000000-not-there";
    expectLocalStoreError(() => store.computeClosure([top, missing]), "LOCAL_STORE_PATH_NOT_VALID", missing);
    expectLocalStoreError(() => store.narFromPath(missing), "LOCAL_STORE_PATH_NOT_VALID", missing);
    expectLocalStoreError(() => store.queryPathInfo(`${top}/refs`), "LOCAL_STORE_BAD_PATH", `${top}/refs`);
    expectLocalStoreError(() => store.queryPathFromHashPart("short"), "LOCAL_STORE_BAD_PATH", "short");
  });

  it("streams the same NAR bytes as nix-store --dump", async () => {
    for (const path of [top, dep, added]) {
      expect(store.realPath(path)).toBe(path);
      expect((await collectBytes(store.narFromPath(path))).equals(await nixStoreDump(path))).toBe(true);
    }
  });

  it("sees paths Nix registers while the database is open", () => {
    const work = makeTempDir("late");
    writeFileSync(join(work, "late.txt"), `registered after opening, ${process.pid} ${Date.now()}\n`);
    const late = nix("nix-store", ["--add", join(work, "late.txt")]);
    expect(store.isValidPath(late)).toBe(true);
    expect(asNixJson(store.queryPathInfo(late)!)).toEqual(nixPathInfo([late])[0]);
  });

  describe("a chroot store filled by nix copy and signed by nix store sign", () => {
    let root: string;
    let url: string;

    beforeAll(() => {
      root = makeTempDir("chroot");
      url = `local?root=${root}`;
      nix("nix", ["copy", "--no-check-sigs", "--to", url, top, added]);
      const keys = makeTempDir("keys");
      for (const name of ["first.example.org-1", "second.example.org-1"]) {
        nix("nix-store", ["--generate-binary-cache-key", name, join(keys, `${name}.sec`), join(keys, `${name}.pub`)]);
        nix("nix", ["store", "sign", "--store", url, "--key-file", join(keys, `${name}.sec`), top, mid]);
      }
    });

    it("reads path info equal to nix path-info --json --store, signatures included", () => {
      const chroot = openLocalStore({ root });
      try {
        const paths = [top, mid, dep, added];
        expect(sortByPath(paths.map((path) => asNixJson(chroot.queryPathInfo(path)!)))).toEqual(
          nixPathInfo(paths, ["--store", url]),
        );
        expect(chroot.queryPathInfo(top)!.sigs).toHaveLength(2);
        expect(chroot.queryPathInfo(top)!.sigs.map((sig) => sig.split(":")[0])).toEqual(
          expect.arrayContaining(["first.example.org-1", "second.example.org-1"]),
        );
        expect(chroot.queryAllValidPaths().map(String)).toEqual(
          lines(nix("nix", ["path-info", "--all", "--store", url])),
        );
      } finally {
        chroot.close();
      }
    });

    it("opens from the URL forms local?root=DIR and DIR, and dumps paths from under the root", async () => {
      for (const spec of [url, root]) {
        const chroot = openLocalStore(spec);
        try {
          expect(chroot.realPath(top)).toBe(`${root}${top}`);
          expect(
            chroot
              .computeClosure([top])
              .map((info) => info.storePath.path)
              .sort(),
          ).toEqual(lines(nix("nix-store", ["--store", url, "-qR", top])));
          const nar = await collectBytes(chroot.narFromPath(top));
          expect(nar.equals(await nixStoreDump(`${root}${top}`))).toBe(true);
          expect(nar.equals(await nixStoreDump(top))).toBe(true);
        } finally {
          chroot.close();
        }
      }
    });

    it.runIf(process.getuid?.() === 0 && typeof process.seteuid === "function")(
      "reads a database it cannot write next to, as a non-root user, from a private snapshot copy",
      () => {
        const source = join(root, "nix/var/nix/db");
        const stateDir = makeTempDir("readonly-state");
        mkdirSync(join(stateDir, "db"));
        for (const name of ["db.sqlite", "db.sqlite-wal"]) {
          if (existsSync(join(source, name))) copyFileSync(join(source, name), join(stateDir, "db", name));
        }
        chmodSync(stateDir, 0o755);
        chmodSync(join(stateDir, "db"), 0o755);
        chmodSync(join(stateDir, "db", "db.sqlite"), 0o644);
        process.seteuid!(65534);
        let snapshot: LocalStore | undefined;
        try {
          snapshot = openLocalStore({ root, stateDir });
        } finally {
          process.seteuid!(0);
        }
        try {
          expect(snapshot.databaseMode).toBe("snapshot");
          expect(existsSync(join(stateDir, "db", "db.sqlite-shm"))).toBe(false);
          const paths = [top, mid, dep, added];
          expect(sortByPath(paths.map((path) => asNixJson(snapshot!.queryPathInfo(path)!)))).toEqual(
            nixPathInfo(paths, ["--store", url]),
          );
          expect(
            snapshot
              .computeClosure([top])
              .map((info) => info.storePath.path)
              .sort(),
          ).toEqual(lines(nix("nix-store", ["--store", url, "-qR", top])));
        } finally {
          snapshot.close();
        }
      },
    );
  });
});
