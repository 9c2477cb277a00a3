// NAR dump throughput: @narwhal/nar (in-process, and the CLI writing to a pipe) against `nix-store --dump`
// on the same tree of real files. Writes bench-results/nar-dump.{json,md}; the target is a ratio >= 1.0.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dumpPath } from "@narwhal/nar";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = `${root}apps/cli/dist/main.js`;
const runs = Number(process.env.BENCH_RUNS ?? 3);
const candidates = [process.env.BENCH_NAR_TREE, "/usr/lib/llvm-14", "/usr/lib/x86_64-linux-gnu", "/usr/lib"].filter(Boolean);
const tree = candidates.find((p) => existsSync(p));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command with stdout counted (bytes) and discarded; returns [seconds, bytes, sha256]. */
function timeCommand(cmd, args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    const hash = createHash("sha256");
    let bytes = 0;
    child.stdout.on("data", (d) => { bytes += d.length; hash.update(d); });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}`));
      resolve([Number(process.hrtime.bigint() - start) / 1e9, bytes, hash.digest("hex")]);
    });
  });
}

async function timeLibrary() {
  const start = process.hrtime.bigint();
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of dumpPath(tree)) { bytes += chunk.length; hash.update(chunk); }
  return [Number(process.hrtime.bigint() - start) / 1e9, bytes, hash.digest("hex")];
}

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;
if (!hasNix) {
  console.error("nar-dump bench: nix-store not found; install Nix (../shared/nix/setup.sh) to get the reference column");
}
// Warm the page cache so every contender reads from memory.
await timeLibrary();
const results = { library: [], cli: [], nix: [] };
let size = 0;
const digests = new Set();
for (let i = 0; i < runs; i++) {
  for (const [name, fn] of [
    ["nix", () => timeCommand("nix-store", ["--dump", tree])],
    ["library", timeLibrary],
    ["cli", () => timeCommand(process.execPath, [cli, "nar", "dump-path", tree])],
  ]) {
    if (name === "nix" && !hasNix) continue;
    const [secs, bytes, digest] = await fn();
    results[name].push(secs);
    size = bytes;
    digests.add(digest);
  }
}
const mbps = (secs) => size / 1e6 / secs;
const row = (name) => (results[name].length ? { seconds: median(results[name]), mbPerSec: mbps(median(results[name])) } : null);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  tree,
  narBytes: size,
  runs,
  identicalOutput: digests.size === 1,
  nixStoreDump: row("nix"),
  narwhalLibrary: row("library"),
  narwhalCli: row("cli"),
  ratioLibraryVsNix: hasNix ? median(results.nix) / median(results.library) : null,
  ratioCliVsNix: hasNix ? median(results.nix) / median(results.cli) : null,
};
const out = `${root}bench-results`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/nar-dump.json`, JSON.stringify(report, null, 2) + "\n");
const f = (r) => (r ? `${r.mbPerSec.toFixed(0)} MB/s (${r.seconds.toFixed(2)} s)` : "n/a");
const md = [
  "# NAR dump throughput",
  "",
  `Tree \`${tree}\`, NAR ${(size / 1e6).toFixed(0)} MB, median of ${runs} runs, ${report.date}, Node ${process.version}.`,
  `Outputs identical across all contenders: ${report.identicalOutput ? "yes" : "NO"}.`,
  "",
  "| contender | throughput | ratio vs nix-store --dump |",
  "|---|---|---|",
  `| nix-store --dump > pipe | ${f(report.nixStoreDump)} | 1.00 |`,
  `| @narwhal/nar dumpPath (in-process, hashed) | ${f(report.narwhalLibrary)} | ${report.ratioLibraryVsNix?.toFixed(2) ?? "n/a"} |`,
  `| narwhal nar dump-path > pipe | ${f(report.narwhalCli)} | ${report.ratioCliVsNix?.toFixed(2) ?? "n/a"} |`,
  "",
].join("\n");
writeFileSync(`${out}/nar-dump.md`, md);
console.log(md);
if (!report.identicalOutput) process.exitCode = 1;
