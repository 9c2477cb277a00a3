// NAR dump throughput on the same tree of real files, each contender a process as a user runs it:
//  - raw dump:   `nix-store --dump T > /dev/null`      vs `narwhal nar dump-path T > /dev/null`
//  - dump+hash:  `nix hash path --base32 T`           vs `narwhal hash path --base32 T` (NarHash: the real use)
//  - in-process: @narwhal/nar dumpPath consumed by SHA-256 in this process (the library as the engine uses it)
// Writes bench-results/nar-dump.{json,md}; the target is a ratio >= 1.0 against Nix.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dumpPath } from "@narwhal/nar";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = `${root}apps/cli/dist/main.js`;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const candidates = [process.env.BENCH_NAR_TREE, "/usr/lib/llvm-14", "/usr/lib/x86_64-linux-gnu", "/usr/lib"].filter(Boolean);
const tree = candidates.find((p) => existsSync(p));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command with stdout to /dev/null (or captured when `capture`); returns [seconds, stdout text]. */
function timeCommand(cmd, args, capture = false) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const out = capture ? "pipe" : openSync("/dev/null", "w");
    const child = spawn(cmd, args, { stdio: ["ignore", out, "inherit"], env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command" } });
    let text = "";
    if (capture) child.stdout.on("data", (d) => (text += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`));
      resolve([Number(process.hrtime.bigint() - start) / 1e9, text.trim()]);
    });
  });
}

async function timeLibrary() {
  const start = process.hrtime.bigint();
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of dumpPath(tree)) { bytes += chunk.length; hash.update(chunk); }
  return [Number(process.hrtime.bigint() - start) / 1e9, bytes];
}

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;
if (!hasNix) console.error("nar-dump bench: nix-store not found; install Nix (../shared/nix/setup.sh) for the reference column");

const [, size] = await timeLibrary(); // also warms the page cache
const contenders = {
  nixDump: () => timeCommand("nix-store", ["--dump", tree]),
  narwhalDump: () => timeCommand(process.execPath, [cli, "nar", "dump-path", tree]),
  nixHashPath: () => timeCommand("nix", ["hash", "path", "--base32", tree], true),
  narwhalHashPath: () => timeCommand(process.execPath, [cli, "hash", "path", "--base32", tree], true),
  narwhalLibrary: timeLibrary,
};
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
const hashes = new Set();
for (let i = 0; i < runs; i++) {
  for (const [name, run] of Object.entries(contenders)) {
    if (name.startsWith("nix") && !hasNix) continue;
    const [secs, text] = await run();
    times[name].push(secs);
    if (name.endsWith("HashPath")) hashes.add(text);
  }
}
const row = (name) => (times[name].length ? { seconds: median(times[name]), mbPerSec: size / 1e6 / median(times[name]) } : null);
const ratio = (ours, theirs) => (times[theirs].length ? median(times[theirs]) / median(times[ours]) : null);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  tree,
  narBytes: size,
  runs,
  sameNarHash: hashes.size === 1,
  results: Object.fromEntries(Object.keys(contenders).map((k) => [k, row(k)])),
  ratios: {
    rawDump: ratio("narwhalDump", "nixDump"),
    hashPath: ratio("narwhalHashPath", "nixHashPath"),
    libraryVsNixHashPath: ratio("narwhalLibrary", "nixHashPath"),
  },
};
const out = `${root}bench-results`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/nar-dump.json`, JSON.stringify(report, null, 2) + "\n");
const f = (r) => (r ? `${r.mbPerSec.toFixed(0)} MB/s (${r.seconds.toFixed(3)} s)` : "n/a");
const x = (v) => (v === null ? "n/a" : `${v.toFixed(2)}x`);
const md = [
  "# NAR dump throughput",
  "",
  `Tree \`${tree}\`, NAR ${(size / 1e6).toFixed(0)} MB, median of ${runs} runs, page cache warm, ${report.date}, Node ${process.version}.`,
  `narwhal and Nix computed the same NarHash: ${report.sameNarHash ? "yes" : "NO"}.`,
  "",
  "| job | Nix 2.8 | narwhal | ratio (Nix time / narwhal time) |",
  "|---|---|---|---|",
  `| dump to /dev/null (\`nix-store --dump\` / \`narwhal nar dump-path\`) | ${f(report.results.nixDump)} | ${f(report.results.narwhalDump)} | ${x(report.ratios.rawDump)} |`,
  `| dump + SHA-256 (\`nix hash path\` / \`narwhal hash path\`) | ${f(report.results.nixHashPath)} | ${f(report.results.narwhalHashPath)} | ${x(report.ratios.hashPath)} |`,
  `| dump + SHA-256 in-process (@narwhal/nar dumpPath, no process start-up) | ${f(report.results.nixHashPath)} | ${f(report.results.narwhalLibrary)} | ${x(report.ratios.libraryVsNixHashPath)} |`,
  "",
].join("\n");
writeFileSync(`${out}/nar-dump.md`, md);
console.log(md);
if (!report.sameNarHash) process.exitCode = 1;
