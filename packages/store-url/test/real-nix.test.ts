// Checks against the real Nix client that URLs we write are accepted and that values we refuse Nix refuses too.
// Skipped when nix-store is not on PATH, unless CI is set (then it fails loudly).

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultStoreSettings, formatStoreUrl, parseStoreUrl, type StoreSettings } from "../src/index.js";

function nixAvailable(): boolean {
  try {
    execFileSync("nix-store", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env["CI"]) throw new Error("nix-store is not on PATH but CI is set: real-Nix tests must run in CI");
    return false;
  }
}

const workDir = mkdtempSync(join(tmpdir(), "narwhal-store-url-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Opens the store with `nix store ping`; returns Nix's exit status and stderr. */
function nixOpens(storeUrl: string): { ok: boolean; stderr: string } {
  const result = spawnSync("nix", ["store", "ping", "--store", storeUrl], {
    encoding: "utf8",
    env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command", XDG_CACHE_HOME: join(workDir, "xdg") },
  });
  return { ok: result.status === 0, stderr: result.stderr };
}

// Settings Nix 2.8's file:// store knows (buffer-size, secret-keys, addressing-style are newer or S3-only).
const FILE_STORE_VALUES: Partial<StoreSettings> = {
  compression: "zstd",
  "compression-level": 7,
  "index-debug-info": true,
  "local-nar-cache": join(workDir, "nar cache"),
  "parallel-compression": true,
  "path-info-cache-size": 1000,
  priority: -3,
  store: "/nix/store",
  "system-features": ["kvm", "big-parallel"],
  trusted: true,
  "want-mass-query": true,
  "write-nar-listing": true,
};

describe.skipIf(!nixAvailable())("real Nix", () => {
  it("opens a file:// URL we formatted, with every setting it knows, without complaint", () => {
    const settings = { ...defaultStoreSettings(), ...FILE_STORE_VALUES };
    const url = formatStoreUrl({ type: "file", path: join(workDir, "cache"), settings, explicit: new Set() });
    const { ok, stderr } = nixOpens(url);
    expect(stderr).not.toMatch(/unknown setting|invalid value/);
    expect(ok).toBe(true);
  });

  it.each(["trusted=yes", "trusted=1", "trusted=no", "priority=-12", "priority=+4", "compression-level=007"])(
    "Nix and narwhal both accept %s",
    (query) => {
      const url = `file://${join(workDir, "cache")}?${query}`;
      expect(() => parseStoreUrl(url)).not.toThrow();
      expect(nixOpens(url).ok).toBe(true);
    },
  );

  it.each([
    "trusted=maybe",
    "trusted=True",
    "trusted=",
    "priority=5x",
    "priority=",
    "priority=%201",
    "priority=99999999999",
    "store=relative",
  ])("Nix and narwhal both refuse %s", (query) => {
    const url = `file://${join(workDir, "cache")}?${query}`;
    expect(() => parseStoreUrl(url)).toThrow();
    expect(nixOpens(url).ok).toBe(false);
  });

  it("Nix also refuses a relative file:// URL", () => {
    expect(() => parseStoreUrl("file://relative/dir")).toThrow();
    expect(nixOpens("file://relative/dir").ok).toBe(false);
  });
});
