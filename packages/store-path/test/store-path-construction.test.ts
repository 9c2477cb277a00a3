import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  StorePathConstructionError,
  hashBytes,
  makeFixedOutputPath,
  makeStorePath,
  makeTextPath,
  parseHash,
  parseStorePath,
} from "../src/index.js";
import { describeWithNix, nix, useTempDir, writeRandomTree } from "./support/real-nix.js";

describe("makeStorePath", () => {
  it("hashes '<type>:<algo>:<base16>:<storeDir>:<name>' and folds it to 20 bytes", () => {
    // Known from real Nix: `nix-store --add` of a directory holding a file "a" with "hi\n".
    const narHash = parseHash("sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247");
    expect(makeStorePath("source", narHash, "d").path).toBe("/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d");
  });

  it("depends on the store directory", () => {
    const hash = hashBytes("sha256", "x");
    const a = makeStorePath("source", hash, "n", "/nix/store");
    const b = makeStorePath("source", hash, "n", "/other/store");
    expect(b.storeDir).toBe("/other/store");
    expect(b.hashPart).not.toBe(a.hashPart);
  });

  it("refuses invalid names through store path validation", () => {
    expect(() => makeStorePath("source", hashBytes("sha256", "x"), "bad name")).toThrow(/may only contain/);
  });
});

describe("makeFixedOutputPath and makeTextPath rules", () => {
  const reference = parseStorePath("/nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d");

  it("refuses references on flat or non-sha256 fixed outputs", () => {
    const hash = hashBytes("sha256", "x");
    expect(() => makeFixedOutputPath({ method: "flat", hash, name: "f", references: [reference] })).toThrow(
      StorePathConstructionError,
    );
    expect(() =>
      makeFixedOutputPath({ method: "recursive", hash: hashBytes("sha1", "x"), name: "f", hasSelfReference: true }),
    ).toThrow(/only allowed for recursive sha256/);
  });

  it("treats references as a sorted set", () => {
    const other = parseStorePath("/nix/store/0000000000000000000000000000000a-e");
    const hash = hashBytes("sha256", "x");
    const one = makeFixedOutputPath({
      method: "recursive",
      hash,
      name: "s",
      references: [reference, other, reference],
    });
    const two = makeFixedOutputPath({ method: "recursive", hash, name: "s", references: [other, reference] });
    expect(one.path).toBe(two.path);
    expect(makeFixedOutputPath({ method: "recursive", hash, name: "s" }).path).not.toBe(one.path);
  });

  it("refuses references from another store directory", () => {
    const foreign = parseStorePath("/other/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d", "/other/store");
    expect(() => makeTextPath({ name: "t", contents: "x", references: [foreign] })).toThrow(/not in store directory/);
  });

  it("needs exactly one of contents or a sha256 hash for text paths", () => {
    expect(() => makeTextPath({ name: "t" })).toThrow(/needs contents or a hash/);
    expect(() => makeTextPath({ name: "t", contents: "x", hash: hashBytes("sha256", "x") })).toThrow(/not both/);
    expect(() => makeTextPath({ name: "t", hash: hashBytes("sha1", "x") })).toThrow(/text paths use sha256/);
    expect(makeTextPath({ name: "t", hash: hashBytes("sha256", "x") }).path).toBe(
      makeTextPath({ name: "t", contents: "x" }).path,
    );
  });
});

describeWithNix("store path construction against real Nix", () => {
  const tempRoot = useTempDir("construction");
  const randomName = (): string => `narwhal-${randomBytes(4).toString("hex")}`;

  it("computes the path `nix-store --add DIR` prints (recursive sha256, type source)", () => {
    for (let round = 0; round < 3; round++) {
      const name = randomName();
      const dir = writeRandomTree(join(tempRoot(), name));
      const narHash = parseHash(nix("nix-hash", ["--type", "sha256", "--base32", dir]), "sha256");
      const ours = makeFixedOutputPath({ method: "recursive", hash: narHash, name });
      expect(ours.path).toBe(nix("nix-store", ["--add", dir]));
      expect(ours.path).toBe(nix("nix-store", ["--add-fixed", "--recursive", "sha256", dir]));
    }
  });

  it("computes the path of `nix-store --add-fixed sha256 FILE` (flat, output:out)", () => {
    const name = randomName();
    const file = join(tempRoot(), name);
    const contents = randomBytes(300);
    writeFileSync(file, contents);
    const ours = makeFixedOutputPath({ method: "flat", hash: hashBytes("sha256", contents), name });
    expect(ours.path).toBe(nix("nix-store", ["--add-fixed", "sha256", file]));
  });

  it("computes fixed-output paths for sha1 and sha512, flat and recursive", () => {
    for (const algorithm of ["sha1", "sha512"] as const) {
      const name = randomName();
      const file = join(tempRoot(), name);
      const contents = randomBytes(50);
      writeFileSync(file, contents);
      const flat = makeFixedOutputPath({ method: "flat", hash: hashBytes(algorithm, contents), name });
      expect(flat.path).toBe(nix("nix-store", ["--add-fixed", algorithm, file]));

      const dirName = randomName();
      const dir = writeRandomTree(join(tempRoot(), dirName));
      const narHash = parseHash(nix("nix-hash", ["--type", algorithm, "--base32", dir]), algorithm);
      const recursive = makeFixedOutputPath({ method: "recursive", hash: narHash, name: dirName });
      expect(recursive.path).toBe(nix("nix-store", ["--add-fixed", "--recursive", algorithm, dir]));
    }
  });

  it("computes text paths like builtins.toFile, with and without references", () => {
    const referenced = nix("nix-store", ["--add", writeRandomTree(join(tempRoot(), randomName()))]);
    const contents = `hello ${randomBytes(6).toString("hex")} `;
    const name = randomName();
    const plain = nix("nix-instantiate", [
      "--read-write-mode",
      "--eval",
      "-E",
      `builtins.toFile "${name}" "${contents}"`,
    ]);
    expect(makeTextPath({ name, contents }).path).toBe(JSON.parse(plain));

    const withReference = nix("nix-instantiate", [
      "--read-write-mode",
      "--eval",
      "-E",
      `builtins.toFile "${name}" "${contents}\${builtins.storePath ${referenced}}"`,
    ]);
    const ours = makeTextPath({ name, contents: `${contents}${referenced}`, references: [parseStorePath(referenced)] });
    expect(ours.path).toBe(JSON.parse(withReference));
  });
});
