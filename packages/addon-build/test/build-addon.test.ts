// narwhal-build-addon in a throw-away addon package whose C source does not compile: --optional turns the failure
// into one warning naming the package, what it needs and what happens instead; without it the build fails;
// --if-missing does not build at all when the addon's file is there.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "@narwhal/test-kit";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../build-addon.mjs", import.meta.url));

function brokenAddonPackage(dir: string): void {
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "@example/broken-native",
      narwhalAddon: {
        file: "build/Release/broken.node",
        what: "the broken example",
        needs: "libnothing with its headers",
        otherwise: "the example will use JavaScript",
      },
    }),
  );
  writeFileSync(
    join(dir, "binding.gyp"),
    JSON.stringify({ targets: [{ target_name: "broken", sources: ["broken.c"] }] }),
  );
  writeFileSync(join(dir, "broken.c"), "this is not C;\n");
}

const run = (dir: string, ...flags: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...flags], { cwd: dir, encoding: "utf8" });

describe("narwhal-build-addon", () => {
  it("--optional: a failed build warns once, naming the package, its needs and the fallback, and exits 0", async () => {
    await withTempDir(async (dir) => {
      brokenAddonPackage(dir);
      const optional = run(dir, "--optional");
      expect(optional.status, optional.stderr).toBe(0);
      expect(optional.stderr).toContain("@example/broken-native: could not build the broken example");
      expect(optional.stderr).toContain("libnothing with its headers");
      expect(optional.stderr).toContain("the example will use JavaScript.");
      const required = run(dir);
      expect(required.status).toBe(1);
      expect(required.stderr).toContain("@example/broken-native: could not build the broken example");
    }, "addon-build-");
  });

  it("--if-missing does nothing when the addon's file exists", async () => {
    await withTempDir(async (dir) => {
      brokenAddonPackage(dir);
      mkdirSync(join(dir, "build", "Release"), { recursive: true });
      writeFileSync(join(dir, "build", "Release", "broken.node"), "");
      const result = run(dir, "--if-missing");
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
    }, "addon-build-");
  });

  it("a package without its narwhalAddon settings is refused by name", async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@example/plain" }));
      const result = run(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('@example/plain has no "narwhalAddon"');
    }, "addon-build-");
  });
});

describe("loadAddon (addon-manifest.cjs)", () => {
  const { loadAddon } = createRequire(import.meta.url)("../addon-manifest.cjs") as {
    loadAddon(dir: string): unknown;
  };

  it("loads the file the manifest names, and says what is missing, what it takes and the fallback when not built", async () => {
    await withTempDir(async (dir) => {
      brokenAddonPackage(dir);
      expect(() => loadAddon(dir)).toThrow(
        "@example/broken-native is not built (the broken example): run its build script, which needs node-gyp, python3, make, a C compiler and libnothing with its headers; the example will use JavaScript",
      );
      mkdirSync(join(dir, "build", "Release"), { recursive: true });
      writeFileSync(join(dir, "build", "Release", "broken.node"), "");
      // An empty file is not a loadable addon either: the same error, with the loader's own as its cause.
      const error = (() => {
        try {
          loadAddon(dir);
        } catch (caught) {
          return caught as Error;
        }
      })();
      expect(error?.message).toContain("is not built");
      expect(error?.cause).toBeInstanceOf(Error);
    }, "addon-build-");
  });
});
