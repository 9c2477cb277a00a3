// What a copy loads: one whose paths the destination already has reads narinfos only, so it must not load the
// codecs or the NAR serializer (start-up is most of such a run). The copy runs in a child process that records
// every module it loads; a copy that uploads is the control that shows the record sees those packages.

import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { withTempDir } from "@narwhal/test-kit";
import { describe, expect, it } from "vitest";
import { copy, storeAdd } from "../src/index.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Runs copy(request) in a child process; returns its summary and the packages (by folder) it loaded. */
async function copyInChild(
  request: object,
): Promise<{ summary: { copied: string[]; skipped: string[] }; packages: Set<string> }> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ["--import", join(fixtures, "trace-modules.mjs"), join(fixtures, "copy-request.mjs"), JSON.stringify(request)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const packages = new Set<string>();
  for (const line of stderr.split("\n")) {
    const match = /^module: file:\/\/.*\/packages\/([^/]+)\//.exec(line);
    if (match !== null) packages.add(match[1]!);
  }
  return { summary: JSON.parse(stdout), packages };
}

describe("copy's module loading", () => {
  it("loads neither the codecs nor the NAR code when every path is already there, and both when one is not", () =>
    withTempDir(async (dir) => {
      const tree = join(dir, "tree");
      await mkdir(tree);
      await writeFile(join(tree, "file"), "contents\n");
      const source = `file://${join(dir, "source")}?compression=xz`;
      const { storePath } = await storeAdd({ path: tree, to: source });
      const filled = `file://${join(dir, "filled")}?compression=zstd`;
      await copy({ from: source, to: filled, paths: [storePath], sourceOptions: { requireSigs: false } });

      const request = { from: source, paths: [storePath], sourceOptions: { requireSigs: false } };
      const present = await copyInChild({ ...request, to: filled });
      expect(present.summary.skipped).toEqual([storePath]);
      expect(present.packages).toContain("store");
      expect(present.packages).not.toContain("codecs");
      expect(present.packages).not.toContain("nar");

      const missing = await copyInChild({ ...request, to: `file://${join(dir, "empty")}?compression=zstd` });
      expect(missing.summary.copied).toEqual([storePath]);
      expect(missing.packages).toContain("codecs");
      expect(missing.packages).toContain("nar");
    }, "narwhal-engine-lazy-"));
});
