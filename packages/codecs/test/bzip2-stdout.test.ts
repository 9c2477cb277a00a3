// node-bzip2 1.0.2 printed "NodeGc" to stdout whenever a result buffer was collected, corrupting any CLI that writes
// data to stdout; the repository patches that print out (patches/node-bzip2@1.0.2.patch). This keeps it out.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe("bzip2 backend", () => {
  it("writes nothing to stdout while compressing and garbage-collecting", () => {
    const script = `
      const { compressStream } = await import(${JSON.stringify(entry)});
      for (let i = 0; i < 20; i++) {
        for await (const _ of compressStream("bzip2", [Buffer.alloc(200000, i)], { level: 1 })) {}
      }
      globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); globalThis.gc();
    `;
    const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
  });
});
