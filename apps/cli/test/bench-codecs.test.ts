import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { narwhal } from "./run-narwhal.js";
import { makeFixtureTree } from "./fixture-tree.js";

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
    for (const file of ["results.json", "results.md", "chart.svg"]) expect(existsSync(join(out, file))).toBe(true);
    expect(await readFile(join(out, "chart.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it("rejects an unknown codec, listing the valid ones", async () => {
    const r = await narwhal(["bench", "codecs", "--codecs", "zstd,lz5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'lz5'");
    expect(r.stderr).toMatch(/valid: .*xz.*zstd/);
  });
});
