// `narwhal bench codecs` as a user runs it: on a directory, on a local closure and on a cache's NARs (real Nix),
// with a recommendation for given bandwidths, and the flag mistakes refused with exit status 2 naming the flag.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasNix, narwhal } from "./run-narwhal.js";
import { makeFixtureTree } from "./fixture-tree.js";

const TINY = ["--codecs", "zstd", "--levels", "1,19", "--threads", "1", "--no-native"];

describe("narwhal bench codecs", () => {
  it("measures the requested configurations on a directory's NAR and writes JSON, Markdown and a chart", async () => {
    const tree = await makeFixtureTree();
    const out = await mkdtemp(join(tmpdir(), "narwhal-bench-"));
    const r = await narwhal([
      "bench",
      "codecs",
      "--input",
      tree,
      "--codecs",
      "zstd,gzip",
      "--levels",
      "3",
      "--threads",
      "1,2",
      "--out",
      out,
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout.toString()) as {
      rows: { codec: string; threads: number; ratio: number; verified: boolean }[];
      input: { bytes: number };
    };
    const ours = result.rows.filter((row) => !String((row as { backend?: string }).backend).startsWith("native:"));
    expect(new Set(ours.map((row) => row.codec))).toEqual(new Set(["zstd", "gzip"]));
    expect(new Set(ours.map((row) => row.threads))).toEqual(new Set([1, 2]));
    for (const row of result.rows) expect(row.verified).toBe(true);
    expect(ours.every((row) => row.ratio > 1)).toBe(true);
    for (const file of ["results.json", "results.md", "chart.svg", "report.html"])
      expect(existsSync(join(out, file))).toBe(true);
    expect(await readFile(join(out, "chart.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it.each([
    [["--upload-bandwidth", "100", "--download-bandwidth", "1Gbit"], /--upload-bandwidth "100" has no unit/],
    [["--upload-bandwidth", "100Mbit", "--download-bandwidth", "fast"], /--download-bandwidth "fast" is not a speed/],
    [["--upload-bandwidth", "100Mbit"], /needs both --upload-bandwidth and --download-bandwidth/],
    [
      ["--upload-bandwidth", "1MB/s", "--download-bandwidth", "1MB/s", "--downloads-per-upload", "lots"],
      /--downloads-per-upload value 'lots' is not a number >= 0/,
    ],
    [["--quick", "--full"], /--quick and --full exclude each other/],
    [["--sample", "3"], /--sample only applies to --from-cache/],
    [["--closure", "/nix/store", "--input", "/tmp"], /--input and --closure exclude each other/],
    [["/nix/store/x"], /store path arguments .* only apply to --from-cache/],
  ])("refuses %j with a usage error", async (args, message) => {
    const r = await narwhal(["bench", "codecs", ...args]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it("refuses a --closure outside the Nix store, naming it", async () => {
    const r = await narwhal(["bench", "codecs", "--closure", tmpdir(), ...TINY]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("is not inside the Nix store");
  });

  it.runIf(hasNix())("measures a local closure and a cache's NARs and recommends a store URL setting", async () => {
    const tree = await makeFixtureTree();
    const added = spawnSync("nix-store", ["--add", join(tree, "share")], { encoding: "utf8" });
    expect(added.status).toBe(0);
    const storePath = added.stdout.trim();
    const closureOut = await mkdtemp(join(tmpdir(), "narwhal-bench-closure-"));
    const byClosure = await narwhal([
      "bench",
      "codecs",
      "--closure",
      storePath,
      ...TINY,
      "--out",
      closureOut,
      "--json",
    ]);
    expect(byClosure.stderr).toBe("");
    expect(byClosure.status).toBe(0);
    expect(JSON.parse(byClosure.stdout.toString()).input.items).toEqual([storePath]);

    const cache = await mkdtemp(join(tmpdir(), "narwhal-bench-cache-"));
    const copy = spawnSync(
      "nix",
      ["--extra-experimental-features", "nix-command", "copy", "--to", `file://${cache}?compression=xz`, storePath],
      { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: join(cache, ".xdg") } },
    );
    expect(copy.status, copy.stderr).toBe(0);
    const out = await mkdtemp(join(tmpdir(), "narwhal-bench-from-cache-"));
    const r = await narwhal([
      "bench",
      "codecs",
      "--from-cache",
      `file://${cache}`,
      "--no-require-sigs",
      "--sample",
      "5",
      ...TINY,
      "--upload-bandwidth",
      "100Mbit",
      "--download-bandwidth",
      "1Gbps",
      "--downloads-per-upload",
      "20",
      "--out",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/\| 1 \| zstd-(1|19) \| `\?compression=zstd&compression-level=(1|19)` \|/);
    const saved = JSON.parse(await readFile(join(out, "results.json"), "utf8"));
    expect(saved.input.items).toEqual([storePath]);
    expect(saved.recommendation.downloadsPerUpload).toBe(20);
    expect(await readFile(join(out, "report.html"), "utf8")).toContain('class="point');
  });

  it("rejects an unknown codec, listing the valid ones", async () => {
    const r = await narwhal(["bench", "codecs", "--codecs", "zstd,lz5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'lz5'");
    expect(r.stderr).toMatch(/valid: .*xz.*zstd/);
  });
});
