// NAR dump throughput on the same tree of real files, each contender a process as a user runs it:
//  - raw dump:   `nix-store --dump T > /dev/null`      vs `narwhal nar dump-path T > /dev/null`
//  - dump+hash:  `nix hash path --base32 T`           vs `narwhal hash path --base32 T` (NarHash: the real use)
//  - in-process: @narwhal/nar dumpPathInWorker consumed by SHA-256 in this process (the library, no start-up)
// narwhal runs with its native serializer (@narwhal/nar-native); the raw dump is also timed with the JavaScript
// serializer (NARWHAL_NAR_NATIVE=0), the numbers behind choosing the addon.
// On two trees: /usr/lib (the example, ~4 GB here) and /usr/lib/llvm-14 (~370 MB, where process start-up
// weighs more). Writes bench-results/nar-dump.{json,md}; the target is a ratio >= 1.0 against Nix.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { dumpPathInWorker, narDumpImplementation } from "@narwhal/nar";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = `${root}apps/cli/dist/main.js`;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const trees = (process.env.BENCH_NAR_TREES ?? "/usr/lib:/usr/lib/llvm-14").split(":").filter((p) => existsSync(p));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command with stdout to /dev/null (or captured when `capture`); returns [seconds, stdout text]. */
function timeCommand(cmd, args, capture = false, env = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const out = capture ? "pipe" : openSync("/dev/null", "w");
    const child = spawn(cmd, args, {
      stdio: ["ignore", out, "inherit"],
      env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command", ...env },
    });
    let text = "";
    if (capture) child.stdout.on("data", (d) => (text += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`));
      resolve([Number(process.hrtime.bigint() - start) / 1e9, text.trim()]);
    });
  });
}

async function timeLibrary(tree) {
  const start = process.hrtime.bigint();
  const hash = createHash("sha256");
  let bytes = 0;
  await dumpPathInWorker(tree, (chunk) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  return [Number(process.hrtime.bigint() - start) / 1e9, bytes];
}

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;
if (!hasNix)
  console.error("nar-dump bench: nix-store not found; install Nix (../shared/nix/setup.sh) for the reference column");

async function measure(tree) {
  const [, size] = await timeLibrary(tree); // also warms the page cache
  const contenders = {
    nixDump: () => timeCommand("nix-store", ["--dump", tree]),
    narwhalDump: () => timeCommand(process.execPath, [cli, "nar", "dump-path", tree]),
    narwhalDumpJavaScript: () =>
      timeCommand(process.execPath, [cli, "nar", "dump-path", tree], false, { NARWHAL_NAR_NATIVE: "0" }),
    nixHashPath: () => timeCommand("nix", ["hash", "path", "--base32", tree], true),
    narwhalHashPath: () => timeCommand(process.execPath, [cli, "hash", "path", "--base32", tree], true),
    narwhalLibrary: () => timeLibrary(tree),
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
  const row = (name) =>
    times[name].length ? { seconds: median(times[name]), mbPerSec: size / 1e6 / median(times[name]) } : null;
  const ratio = (ours, theirs) => (times[theirs].length ? median(times[theirs]) / median(times[ours]) : null);
  return {
    tree,
    narBytes: size,
    sameNarHash: hashes.size === 1,
    results: Object.fromEntries(Object.keys(contenders).map((k) => [k, row(k)])),
    ratios: {
      rawDump: ratio("narwhalDump", "nixDump"),
      rawDumpJavaScript: ratio("narwhalDumpJavaScript", "nixDump"),
      hashPath: ratio("narwhalHashPath", "nixHashPath"),
      libraryVsNixHashPath: ratio("narwhalLibrary", "nixHashPath"),
    },
  };
}

/** Node's own start-up (`node -e 0`): a floor under every narwhal process row, paid before the first byte. */
async function nodeStartup() {
  const times = [];
  for (let i = 0; i < runs; i++) times.push((await timeCommand(process.execPath, ["-e", "0"]))[0]);
  return median(times);
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  cores: availableParallelism(),
  runs,
  serializer: narDumpImplementation(),
  nodeStartupSeconds: await nodeStartup(),
  trees: [],
};
for (const tree of trees) report.trees.push(await measure(tree));
const out = `${root}bench-results`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/nar-dump.json`, `${JSON.stringify(report, null, 2)}\n`);
const f = (r) => (r ? `${r.mbPerSec.toFixed(0)} MB/s (${r.seconds.toFixed(3)} s)` : "n/a");
const x = (v) => (v === null ? "n/a" : `${v.toFixed(2)}x`);
const md = [
  "# NAR dump throughput",
  "",
  `Median of ${runs} runs, page cache warm, ${report.date}, Node ${process.version}, ${report.cores} cores. Ratio = Nix time / narwhal time.`,
  "`narwhal nar dump-path` dumps on one thread into a reused buffer; `narwhal hash path` and the library row read on a worker thread (dumpPathInWorker) while the main thread hashes.",
  `NAR serializer: ${report.serializer} (@narwhal/nar-native when built); the second row forces the JavaScript one with NARWHAL_NAR_NATIVE=0.`,
  `Node's own start-up (\`node -e 0\`) takes ${report.nodeStartupSeconds.toFixed(3)} s here: a floor under every narwhal command row, which weighs on the small tree.`,
  ...report.trees.flatMap((t) => [
    "",
    `## \`${t.tree}\` (NAR ${(t.narBytes / 1e6).toFixed(0)} MB; same NarHash as Nix: ${t.sameNarHash ? "yes" : "NO"})`,
    "",
    "| job | Nix 2.8 | narwhal | ratio |",
    "|---|---|---|---|",
    `| dump to /dev/null (\`nix-store --dump\` / \`narwhal nar dump-path\`) | ${f(t.results.nixDump)} | ${f(t.results.narwhalDump)} | ${x(t.ratios.rawDump)} |`,
    `| the same, JavaScript serializer (\`NARWHAL_NAR_NATIVE=0\`) | ${f(t.results.nixDump)} | ${f(t.results.narwhalDumpJavaScript)} | ${x(t.ratios.rawDumpJavaScript)} |`,
    `| dump + SHA-256 (\`nix hash path\` / \`narwhal hash path\`) | ${f(t.results.nixHashPath)} | ${f(t.results.narwhalHashPath)} | ${x(t.ratios.hashPath)} |`,
    `| dump + SHA-256 in-process (library, no process start-up) | ${f(t.results.nixHashPath)} | ${f(t.results.narwhalLibrary)} | ${x(t.ratios.libraryVsNixHashPath)} |`,
  ]),
  "",
].join("\n");
writeFileSync(`${out}/nar-dump.md`, md);
console.log(md);
if (report.trees.some((t) => !t.sameNarHash)) process.exitCode = 1;
