// Start-up (issue 14): `narwhal --version`, and a `narwhal copy` of a closure its destination already holds (so it
// only checks the narinfos), as a user runs them (`node apps/cli/dist/main.js`, the package's bin), beside
// `node -e 0` (Node.js's own floor) and Nix 2.8's `nix copy` of the same closure, on every Node.js line given.
// Corpus: the real-file closure of the other closure benches (9 paths), written once to a file:// cache.
// Runs interleave (each line, each setting, then nix copy, and again); every cell is median (min–max).
// Env: BENCH_STARTUP_RUNS (default 10); BENCH_NODES, more Node.js lines (nodeLines in harness.mjs; node-line-tree.sh
// makes a tree for one). Where NODE_EXTRA_CA_CERTS is set, every Node.js row also
// runs with it unset: Node.js 20 reads and parses that file before any JavaScript runs (22 and later only when TLS is
// first used). Writes bench-results/startup.{json,md}. Never asserts.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  addRealClosure,
  CLOSURE_SUBTREES,
  must,
  nodeLines,
  sampleRecorder,
  spread,
  timed as timedIn,
} from "./harness.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = join(root, "bench-results");
if (spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("startup bench: needs real Nix (nix-store, nix copy) on PATH (skipped)");
  process.exit(0);
}
const runs = Number(process.env.BENCH_STARTUP_RUNS ?? "10");
const lines = nodeLines(root);
const settings = [
  { label: "", extraEnv: {} },
  ...(process.env.NODE_EXTRA_CA_CERTS
    ? [{ label: ", NODE_EXTRA_CA_CERTS unset", extraEnv: { NODE_EXTRA_CA_CERTS: undefined } }]
    : []),
];

const work = mkdtempSync(join(tmpdir(), "narwhal-startup-"));
const timed = (cmd, args, extraEnv = {}) => timedIn(work, cmd, args, { extraEnv });
const { stats, record } = sampleRecorder();
const results = { date: new Date().toISOString(), runs, cores: Number(must("nproc", []).trim()), rows: [] };
try {
  console.error(`startup bench: adding ${CLOSURE_SUBTREES.length} /usr subtrees to the Nix store`);
  const closure = addRealClosure(work, CLOSURE_SUBTREES, "narwhal-bench-closure");
  results.paths = closure.paths.length;
  const present = `file://${join(work, "present")}?compression=zstd&parallel-compression=true`;
  must(lines[0].node, [join(root, "apps/cli/dist/main.js"), "copy", "--to", present, closure.top]);
  for (let run = 0; run < runs; run++) {
    console.error(`start-up, run ${run + 1}/${runs}`);
    for (const { node, cli, version } of lines) {
      for (const { label, extraEnv } of settings) {
        const group = `Node.js ${version}${label}`;
        record(group, `node -e 0 (${group})`, 0, timed(node, ["-e", "0"], extraEnv));
        record(group, `narwhal --version (${group})`, 0, timed(node, [cli, "--version"], extraEnv));
        record(
          group,
          `narwhal copy of an already-present closure of ${closure.paths.length} paths (${group})`,
          0,
          timed(node, [cli, "copy", "--to", present, closure.top], extraEnv),
        );
      }
    }
    record(
      "nix",
      "nix copy (2.8) of the same already-present closure",
      0,
      timed("nix", ["copy", "--to", present, closure.top]),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

for (const s of stats.values()) {
  const pick = (k) => s.samples.map((x) => x[k]);
  results.rows.push({
    group: s.group,
    name: s.name,
    runs: s.samples.length,
    wallMs: spread(
      pick("wall").map((w) => w * 1000),
      0,
    ),
    cpuMs: spread(
      pick("cpu").map((c) => c * 1000),
      0,
    ),
    peakRssMiB: spread(pick("rssMiB"), 0),
  });
}
const cell = (s) => `${s.median} (${s.min}–${s.max})`;
const find = (group, prefix) => results.rows.find((r) => r.group === group && r.name.startsWith(prefix));
const groups = [...new Set(results.rows.map((r) => r.group))];
const md = [
  `# Start-up (${results.date})`,
  "",
  `${results.cores} cores, shared machine. ${runs} interleaved runs per row; every cell is median (min–max). narwhal runs as \`NODE apps/cli/dist/main.js\` (the package's \`bin\`), each line from a tree built with that Node.js. The present-path copy goes to a file:// cache that already holds the closure (${results.paths} paths). Wall from spawn to exit; CPU is user+sys (\`/usr/bin/time\`).`,
  process.env.NODE_EXTRA_CA_CERTS
    ? "NODE_EXTRA_CA_CERTS is set on this machine; Node.js 20 parses that file at start-up (22 and later wait until TLS is used), so each line is also run with it unset."
    : "NODE_EXTRA_CA_CERTS is not set.",
  "",
  "| row | wall ms | CPU ms | peak RSS MiB |",
  "|---|---|---|---|",
  ...results.rows.map((r) => `| ${r.name} | ${cell(r.wallMs)} | ${cell(r.cpuMs)} | ${cell(r.peakRssMiB)} |`),
  "",
  "## Against issue 14's goal (medians)",
  "",
  "| line | `narwhal --version` (< 150 ms) | present-path `copy` (< 150 ms) |",
  "|---|---|---|",
  ...groups
    .filter((g) => g !== "nix")
    .map((g) => {
      const version = find(g, "narwhal --version");
      const copy = find(g, "narwhal copy");
      return `| ${g} | ${version.wallMs.median} ms (max ${version.wallMs.max}) | ${copy.wallMs.median} ms (max ${copy.wallMs.max}) |`;
    }),
  "",
].join("\n");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "startup.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, "startup.md"), md);
console.error(`wrote ${join(outDir, "startup.md")}`);
