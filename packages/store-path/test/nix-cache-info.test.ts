import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NixCacheInfoError, StoreDirError, formatNixCacheInfo, parseNixCacheInfo } from "../src/index.js";
import { describeWithNix, nix } from "./support/real-nix.js";

describe("nix-cache-info", () => {
  it("reads StoreDir, WantMassQuery and Priority with trimmed values", () => {
    expect(parseNixCacheInfo("StoreDir: /nix/store\nWantMassQuery: 1\nPriority:  40 \r\n")).toEqual({
      storeDir: "/nix/store",
      wantMassQuery: true,
      priority: 40,
    });
  });

  it("treats any WantMassQuery other than 1 as false", () => {
    expect(parseNixCacheInfo("WantMassQuery: 0\n").wantMassQuery).toBe(false);
    expect(parseNixCacheInfo("WantMassQuery: yes\n").wantMassQuery).toBe(false);
  });

  it("ignores unknown keys and lines without ':'", () => {
    expect(parseNixCacheInfo("hello\nFoo: bar\n\nPriority: -5")).toEqual({ priority: -5 });
  });

  it("refuses a Priority that is not an integer", () => {
    expect(() => parseNixCacheInfo("Priority: high\n")).toThrow(NixCacheInfoError);
    expect(() => parseNixCacheInfo("Priority: 4.5\n")).toThrow(/"Priority: 4.5".*Priority must be a decimal integer/);
  });

  it("refuses a cache for another store directory when one is expected", () => {
    expect(() => parseNixCacheInfo("StoreDir: /gnu/store\n", { expectedStoreDir: "/nix/store" })).toThrow(
      /the cache is for store directory \/gnu\/store, not \/nix\/store/,
    );
    expect(parseNixCacheInfo("StoreDir: /nix/store\n", { expectedStoreDir: "/nix/store" }).storeDir).toBe("/nix/store");
  });

  it("writes the set fields in Nix's order and round-trips", () => {
    const info = { storeDir: "/nix/store", wantMassQuery: true, priority: 30 };
    const text = formatNixCacheInfo(info);
    expect(text).toBe("StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n");
    expect(parseNixCacheInfo(text)).toEqual(info);
    expect(formatNixCacheInfo({ storeDir: "/nix/store" })).toBe("StoreDir: /nix/store\n");
  });

  it("refuses to write an invalid store dir or priority", () => {
    expect(() => formatNixCacheInfo({ storeDir: "/nix/store/" })).toThrow(StoreDirError);
    expect(() => formatNixCacheInfo({ priority: 1.5 })).toThrow(/Priority must be a safe integer/);
  });
});

describeWithNix("nix-cache-info against real Nix", () => {
  it("matches what `nix copy` creates for a new file:// cache", () => {
    const root = mkdtempSync(join(tmpdir(), "narwhal-store-path-info-"));
    try {
      writeFileSync(join(root, "empty"), "");
      const source = nix("nix-store", ["--add", join(root, "empty")]);
      nix("nix", ["copy", "--to", `file://${join(root, "cache")}`, source]);
      const written = readFileSync(join(root, "cache", "nix-cache-info"), "utf8");
      expect(written).toBe(formatNixCacheInfo({ storeDir: "/nix/store" }));
      expect(parseNixCacheInfo(written)).toEqual({ storeDir: "/nix/store" });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
