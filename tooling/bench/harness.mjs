// What the closure benchmarks (upload-closure.mjs, consume-closure.mjs) share: the real-file corpus (subtrees of
// /usr added to the Nix store, plus one derivation output naming them all, so the closure has real references),
// running a command and failing loudly, timing one under /usr/bin/time, and collecting samples per row.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The full corpus: man pages, perl, i18n, valgrind, ceph, gconv, icons (not .../dri: its 25 MiB are hard links). */
export const CLOSURE_SUBTREES = [
  "/usr/share/man",
  "/usr/share/perl",
  "/usr/share/i18n",
  "/usr/lib/x86_64-linux-gnu/perl",
  "/usr/lib/x86_64-linux-gnu/valgrind",
  "/usr/lib/x86_64-linux-gnu/ceph",
  "/usr/lib/x86_64-linux-gnu/gconv",
  "/usr/share/icons",
];

/** The environment every command runs in: the caller's, with `nix copy` and friends enabled. */
export const benchEnv = {
  ...process.env,
  NIX_CONFIG: `${process.env.NIX_CONFIG ?? ""}\nexperimental-features = nix-command`,
};

/** Runs a command to completion and returns its stdout; a non-zero exit throws with the end of its stderr. */
export function must(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { env: benchEnv, encoding: "utf8", maxBuffer: 1 << 28, ...options });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.slice(0, 4).join(" ")} failed (${r.status}): ${(r.stderr ?? "").slice(-2000)}`);
  return r.stdout;
}

/**
 * Runs cmd under /usr/bin/time (its record kept in `work`): wall time (ms clock), user and system CPU of the child
 * and its waited-for children, peak RSS (a sample as `record` keeps it); its stdout is there too, but not
 * enumerable, so it never lands in a results file. `extraEnv` adds variables; other options go to spawnSync.
 */
export function timed(work, cmd, args, { extraEnv = {}, ...options } = {}) {
  const timeFile = join(work, "time.txt");
  const started = performance.now();
  const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %U %S %M", cmd, ...args], {
    env: { ...benchEnv, ...extraEnv },
    encoding: "utf8",
    maxBuffer: 1 << 28,
    ...options,
  });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.slice(0, 6).join(" ")} failed (${r.status}): ${(r.stderr ?? "").slice(-2000)}`);
  const [, user, sys, rssKiB] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  const sample = { wall, user, sys, cpu: user + sys, rssMiB: rssKiB / 1024 };
  return Object.defineProperty(sample, "stdout", { value: r.stdout, enumerable: false });
}

/**
 * Adds each subtree with `nix-store --add`, then builds one output whose contents name every part (Nix scans it and
 * records them as its references). Returns the top path, the closure's paths and its NAR bytes.
 */
export function addRealClosure(work, subtrees, name) {
  const parts = subtrees.map((dir) => must("nix-store", ["--add", dir]).trim());
  const expr = join(work, `${name}.nix`);
  writeFileSync(
    expr,
    `derivation {
  name = "${name}";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "echo ${parts.map((p) => `\${builtins.storePath "${p}"}`).join(" ")} > $out" ];
}\n`,
  );
  const top = must("nix-build", ["--no-out-link", expr]).trim();
  const paths = must("nix-store", ["-qR", top]).trim().split("\n");
  return { top, paths, narBytes: paths.reduce((sum, path) => sum + narSizeOf(path), 0) };
}

/** A store path's NAR size, from the Nix database. */
export function narSizeOf(path) {
  return Number(must("nix-store", ["-q", "--size", path]).trim());
}

/** Samples per row (`stats`: row name -> {group, name, bytes, samples}); `record` adds one and prints it. */
export function sampleRecorder() {
  const stats = new Map();
  const record = (group, name, bytes, sample) => {
    if (!stats.has(name)) stats.set(name, { group, name, bytes, samples: [] });
    stats.get(name).samples.push(sample);
    const cpu =
      sample.user === undefined
        ? `${sample.cpu.toFixed(2)} CPU s`
        : `${sample.user.toFixed(2)} user + ${sample.sys.toFixed(2)} sys`;
    console.error(
      `  ${name}: ${sample.wall.toFixed(2)} s, ${cpu}${sample.rssMiB ? `, ${sample.rssMiB.toFixed(0)} MiB RSS` : ""}`,
    );
  };
  return { stats, record };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** {median, min, max} of `xs`, each rounded to `digits`. */
export function spread(xs, digits) {
  return {
    median: Number(median(xs).toFixed(digits)),
    min: Number(Math.min(...xs).toFixed(digits)),
    max: Number(Math.max(...xs).toFixed(digits)),
  };
}

/**
 * The Node.js lines a bench runs narwhal on: this one (with this checkout), then each `NODE=TREE` pair in
 * BENCH_NODES (space-separated; TREE a checkout installed and built with NODE, since native addons are compiled per
 * line: node-line-tree.sh makes one). Each: {node, tree, cli, version, suffix}; `suffix` (", Node.js vX", or ""
 * when there is only this line) is what a row's name adds so that each line's row is its own.
 */
export function nodeLines(root) {
  const pairs = (process.env.BENCH_NODES ?? "").split(/\s+/).filter(Boolean);
  return [
    { node: process.execPath, tree: root },
    ...pairs.map((pair) => {
      const [node, tree] = pair.split("=");
      if (!node || !tree) throw new Error(`BENCH_NODES: "${pair}" is not NODE=TREE`);
      return { node, tree };
    }),
  ].map((line, _, all) => {
    const version = must(line.node, ["--version"]).trim();
    return {
      ...line,
      cli: join(line.tree, "apps/cli/dist/main.js"),
      version,
      suffix: all.length > 1 ? `, Node.js ${version}` : "",
    };
  });
}

/** a / b to two decimals; undefined when either is missing. */
export function ratio(a, b) {
  return a && b ? Number((a / b).toFixed(2)) : undefined;
}

/** How many times faster the row `ours` ran than `nix` (rows with a wallSeconds spread): medians, and worst–best. */
export function nixCopySpeedup(nix, ours) {
  return {
    speedupVsNixCopy: ratio(nix.wallSeconds.median, ours.wallSeconds.median),
    speedupVsNixCopyWorstBest: [
      ratio(nix.wallSeconds.min, ours.wallSeconds.max),
      ratio(nix.wallSeconds.max, ours.wallSeconds.min),
    ],
  };
}
