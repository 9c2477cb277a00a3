import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NIX32_ALPHABET,
  StoreDirError,
  StorePath,
  StorePathError,
  isStorePath,
  parseStorePath,
  parseStorePathBaseName,
  validateStoreDir,
} from "../src/index.js";

const HASH = "qhr2hq2mkiszwi1xg99cl89vw8xsx3yl";

describe("parseStorePath", () => {
  it("splits a path into store dir, hash part and name", () => {
    const path = parseStorePath(`/nix/store/${HASH}-hello-2.12.1`);
    expect(path.storeDir).toBe("/nix/store");
    expect(path.hashPart).toBe(HASH);
    expect(path.name).toBe("hello-2.12.1");
    expect(path.baseName).toBe(`${HASH}-hello-2.12.1`);
    expect(path.path).toBe(`/nix/store/${HASH}-hello-2.12.1`);
    expect(String(path)).toBe(path.path);
  });

  it("honours a custom store directory", () => {
    const path = parseStorePath(`/opt/store/${HASH}-x`, "/opt/store");
    expect(path.storeDir).toBe("/opt/store");
    expect(() => parseStorePath(`/nix/store/${HASH}-x`, "/opt/store")).toThrow(/must start with the store directory/);
  });

  it("rejects paths below a store path or outside the store", () => {
    expect(() => parseStorePath(`/nix/store/${HASH}-x/bin`)).toThrow(/directly inside/);
    expect(() => parseStorePath(`/nix/${HASH}-x`)).toThrow(/must start with the store directory/);
    expect(() => parseStorePath(`nix/store/${HASH}-x`)).toThrow(StorePathError);
  });

  it("names the whole path in errors about its base name", () => {
    const text = `/nix/store/${HASH}-..`;
    expect(() => parseStorePath(text)).toThrow(`invalid store path ${JSON.stringify(text)}`);
  });

  it.each([
    [`${HASH.slice(0, 31)}-x`, /at least 33 characters|must be '-'/],
    [HASH, /at least 33 characters/],
    [`${HASH}_x`, /character 33 must be '-'/],
    [`${HASH.slice(0, 31)}e-x`, /only nix32 characters/],
    [`${HASH.slice(0, 31)}A-x`, /only nix32 characters/],
    [`${HASH}-`, /name must not be empty/],
    [`${HASH}-a b`, /may only contain/],
    [`${HASH}-ä`, /may only contain/],
    [`${HASH}-a/b`, /may only contain/],
    [`${HASH}-.`, /must not be "." or ".."/],
    [`${HASH}-..`, /must not be "." or ".."/],
    [`${HASH}-.-foo`, /must not be "." or ".."/],
    [`${HASH}-..-foo`, /must not be "." or ".."/],
    [`${HASH}-${"a".repeat(212)}`, /at most 211 characters, got 212/],
  ])("rejects base name %s", (baseName, rule) => {
    let caught: unknown;
    try {
      parseStorePathBaseName(baseName);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StorePathError);
    expect((caught as StorePathError).code).toBe("ERR_STORE_PATH");
    expect((caught as Error).message).toMatch(rule);
    expect((caught as StorePathError).input).toBe(baseName);
  });

  it.each([
    `${HASH}-${"a".repeat(211)}`,
    `${HASH}-...`,
    `${HASH}-.foo`,
    `${HASH}-..foo`,
    `${HASH}-a-.`,
    `${HASH}-+-._?=Az09`,
  ])("accepts base name %s", (baseName) => {
    expect(parseStorePathBaseName(baseName).baseName).toBe(baseName);
  });

  it("round-trips any valid hash part and name", () => {
    const hashPart = fc.string({ unit: fc.constantFrom(...NIX32_ALPHABET), minLength: 32, maxLength: 32 });
    const name = fc.string({ unit: fc.constantFrom(..."0123456789abcXYZ+-._?="), minLength: 1, maxLength: 211 });
    fc.assert(
      fc.property(hashPart, name, (hash, nameText) => {
        const first = nameText.split("-")[0];
        fc.pre(first !== "." && first !== "..");
        const text = `/nix/store/${hash}-${nameText}`;
        expect(parseStorePath(text).path).toBe(text);
        expect(isStorePath(text)).toBe(true);
      }),
    );
  });

  it("isStorePath answers false instead of throwing", () => {
    expect(isStorePath(`/nix/store/${HASH}-ok`)).toBe(true);
    expect(isStorePath(`/nix/store/${HASH}`)).toBe(false);
    expect(isStorePath("hello")).toBe(false);
  });

  it("StorePath checks its parts when built directly", () => {
    expect(() => new StorePath("tooshort", "x")).toThrow(/hash part must be 32 characters, got 8/);
    expect(new StorePath(HASH, "x").path).toBe(`/nix/store/${HASH}-x`);
  });
});

describe("validateStoreDir", () => {
  it.each(["/nix/store", "/a", "/home/user/.local/nix/store"])("accepts %s", (dir) => {
    expect(validateStoreDir(dir)).toBe(dir);
  });

  it.each([
    ["nix/store", /absolute/],
    ["", /absolute/],
    ["/nix/store/", /must not end with '\/'/],
    ["/", /root directory/],
    ["/nix//store", /component "" is not allowed/],
    ["/nix/./store", /component "\." is not allowed/],
    ["/nix/../store", /component "\.\." is not allowed/],
    ["/nix/st\nore", /control characters/],
  ])("rejects %j", (dir, rule) => {
    expect(() => validateStoreDir(dir)).toThrow(StoreDirError);
    expect(() => validateStoreDir(dir)).toThrow(rule);
  });
});
