// The consumer path on a real closure (issue 17), measured as a user would: the CLI's installed entry point copying
// a closure from a file:// cache into a local store (`copy --from file://CACHE --to local?root=DIR`) beside Nix 2.8's
// `nix copy --from` into the same kind of store, in the same interleaved rounds, for zstd and xz; `fetch` of every
// path in one call; the unverified native pipeline (`zstd/xz -dc NAR | nix-store --restore`) as the floor. Then each
// decoder of @narwhal/codecs against its native CLI on the same real NAR bytes.
//
// Corpus: real files only: `nix-store --add` of /usr subtrees (man pages, perl, i18n, valgrind, ceph, gconv, icons)
// plus one derivation output naming them all (its references): 9 paths, ~164 MiB of NAR, ~30,000 files. The caches
// are written once by narwhal (signed, parallel-compression); both consumers read the same cache.
// Writes bench-results/consume-closure.{json,md}. Env: BENCH_CONSUME_QUICK=1 (3 small paths, 2 rounds),
// BENCH_ROUNDS (default 3), BENCH_DECODE_MIB (decoder input, default 64), BENCH_NODES (narwhal's rows on more
// Node.js lines: nodeLines in harness.mjs). Never asserts.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  addRealClosure,
  CLOSURE_SUBTREES,
  must,
  sampleRecorder,
  timed as timedIn,
  median,
  spread,
  nodeLines,
  nixCopySpeedup,
  ratio,
} from "./harness.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const cli = join(root, "apps/cli/dist/main.js"); // the package's `bin`, run directly, as an installed `narwhal` is
const outDir = join(root, "bench-results");
if (spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("consume-closure bench: needs real Nix (nix-store, nix copy) on PATH (skipped)");
  process.exit(0);
}
const quick = process.env.BENCH_CONSUME_QUICK === "1";
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? "2" : "3"));
const decodeMiB = Number(process.env.BENCH_DECODE_MIB ?? (quick ? "16" : "64"));
const subtrees = quick ? ["/usr/share/i18n", "/usr/lib/x86_64-linux-gnu/gconv"] : CLOSURE_SUBTREES;
// Where the caches and the restored stores go: BENCH_WORK_DIR, else /dev/shm when it is a tmpfs, else the temp
// directory. On this machine's ext4 /tmp (mounted with online discard), each run of 30,000 file creations and the
// deletions before it left the next run slower for every tool alike: system time grew from 1-2 s to 15-19 s within
// a dozen runs, for nix copy and `nix-store --restore` too, so the comparison measured the disk's backlog.
const work = mkdtempSync(join(benchWorkDir(), "narwhal-consume-closure-"));
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
const mib = (bytes) => bytes / 1024 ** 2;

function benchWorkDir() {
  if (process.env.BENCH_WORK_DIR) return process.env.BENCH_WORK_DIR;
  try {
    const mounts = readFileSync("/proc/mounts", "utf8");
    if (/^\S+ \/dev\/shm tmpfs /m.test(mounts)) return "/dev/shm";
  } catch {
    // not Linux: the temp directory
  }
  return tmpdir();
}
const timed = (cmd, args, extraEnv = {}) => timedIn(work, cmd, args, { extraEnv });
// narwhal's rows run on each Node.js line (BENCH_NODES); with more than one, each row names its line.
const lines = nodeLines(root);

/** glibc's settings as @narwhal/nar-native's keepFreedMemory() makes them (the CLI calls it at start). */
const CLI_MALLOC =
  "glibc.malloc.mmap_threshold=33554432:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=134217728:glibc.malloc.top_pad=67108864";
/** A fresh, empty directory for one run; removed (store paths are read-only) after it. */
function withFreshDir(body) {
  const dir = join(work, `run-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir);
  try {
    return body(dir);
  } finally {
    spawnSync("chmod", ["-R", "u+w", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- corpus and caches --------------------------------------------------------------------------------------
const { stats, record } = sampleRecorder(); // row name -> {group, bytes, samples}

const results = { date: new Date().toISOString(), quick, rounds, cores: Number(must("nproc", []).trim()), subtrees };
try {
  console.error(`consume-closure bench: adding ${subtrees.length} /usr subtrees to the Nix store`);
  const closure = addRealClosure(work, subtrees, "narwhal-bench-consume-closure");
  Object.assign(results, { top: closure.top, paths: closure.paths.length, closureNarBytes: closure.narBytes });
  must("nix-store", ["--generate-binary-cache-key", "narwhal-bench-consume-1", join(work, "sk"), join(work, "pk")]);
  const publicKey = readFileSync(join(work, "pk"), "utf8").trim();
  const caches = {};
  for (const codec of ["zstd", "xz"]) {
    caches[codec] = join(work, `cache-${codec}`);
    console.error(`writing the ${codec} cache (${mib(closure.narBytes).toFixed(0)} MiB of NAR)`);
    must("node", [
      cli,
      "copy",
      "--to",
      `file://${caches[codec]}?compression=${codec}&parallel-compression=true&secret-key=${join(work, "sk")}`,
      closure.top,
    ]);
  }
  const narFileOf = (codec, path) => {
    const info = readFileSync(join(caches[codec], `${basename(path).slice(0, 32)}.narinfo`), "utf8");
    return join(caches[codec], /^URL: (.*)$/m.exec(info)[1]);
  };

  for (const codec of ["zstd", "xz"]) {
    const g = `closure-${codec}`;
    const from = `file://${caches[codec]}`;
    for (let round = 0; round < rounds; round++) {
      console.error(`closure from a ${codec} cache, round ${round + 1}/${rounds}`);
      for (const line of lines)
        withFreshDir((d) =>
          record(
            g,
            `narwhal copy --from file:// --to local?root=DIR (${codec}${line.suffix})`,
            closure.narBytes,
            timed(line.node, [
              line.cli,
              "copy",
              "--from",
              from,
              "--to",
              `local?root=${d}`,
              "--trusted-public-keys",
              publicKey,
              closure.top,
            ]),
          ),
        );
      withFreshDir((d) =>
        record(
          g,
          `nix copy (2.8) --from file:// --to local?root=DIR (${codec})`,
          closure.narBytes,
          timed("nix", [
            "copy",
            "--from",
            from,
            "--to",
            `local?root=${d}`,
            "--option",
            "trusted-public-keys",
            publicKey,
            closure.top,
          ]),
        ),
      );
      for (const line of lines)
        withFreshDir((d) =>
          record(
            g,
            `narwhal fetch --from file:// of all ${closure.paths.length} paths in one call --out DIR (${codec}${line.suffix})`,
            closure.narBytes,
            timed(line.node, [
              line.cli,
              "fetch",
              "--from",
              from,
              ...closure.paths,
              "--out",
              join(d, "out"),
              "--trusted-public-keys",
              publicKey,
            ]),
          ),
        );
      withFreshDir((d) =>
        record(
          g,
          `floor: ${codec} -dc NAR | nix-store --restore, per path, unverified (${codec})`,
          closure.narBytes,
          timed("/bin/sh", [
            "-c",
            closure.paths
              .map((p) => `${codec} -dc ${narFileOf(codec, p)} | nix-store --restore ${d}/${basename(p)}`)
              .join(" && "),
          ]),
        ),
      );
    }
  }

  // ---- decoders against their native CLIs, on the first BENCH_DECODE_MIB of the closure's NARs --------------
  const nar = join(work, "decode-input.nar");
  must("/bin/sh", [
    "-c",
    `for p in ${closure.paths.join(" ")}; do nix-store --dump "$p"; done | head -c ${decodeMiB * 1024 ** 2} > ${nar}`,
  ]);
  const decoders = [
    ["zstd", "zstd -3 -T2 -q -c", "zstd -dc"],
    // xz 5.4's CLI decodes on one thread unless told; the threaded row is context (goal: against the default).
    ["xz", "xz -6 -T2 -c", "xz -dc", "xz -T2 -dc"],
    ["gzip", "gzip -6 -c", "gzip -dc"],
    ["bzip2", "bzip2 -9 -c", "bzip2 -dc"],
    ["br", "brotli -q 6 -c", "brotli -dc"],
  ];
  const inputBytes = statSync(nar).size;
  for (const [codec, compress, decompress, threaded] of decoders) {
    const file = join(work, `decode-input.${codec}`);
    must("/bin/sh", ["-c", `${compress} < ${nar} > ${file}`]);
    for (let round = 0; round < rounds; round++) {
      console.error(`decoder ${codec}, round ${round + 1}/${rounds}`);
      record(
        `decode-${codec}`,
        `native: ${decompress} > /dev/null`,
        inputBytes,
        timed("/bin/sh", ["-c", `${decompress} ${file} > /dev/null`]),
      );
      if (threaded)
        record(
          `decode-${codec}`,
          `threaded native: ${threaded} > /dev/null`,
          inputBytes,
          timed("/bin/sh", ["-c", `${threaded} ${file} > /dev/null`]),
        );
      // With the allocator setting the CLI applies at start (allocator-tuning.ts), as glibc tunables.
      const child = timed("node", [join(here, "decode-stream.mjs"), codec, file], { GLIBC_TUNABLES: CLI_MALLOC });
      const inside = JSON.parse(child.stdout.trim().split("\n").pop());
      // The decode alone (start-up and module loading excluded), as the native CLI's own start-up is ~1 ms.
      record(`decode-${codec}`, `@narwhal/codecs decompressStream (${codec}, reuseOutput)`, inside.bytes, {
        wall: inside.seconds,
        user: inside.cpuSeconds,
        sys: 0,
        cpu: inside.cpuSeconds,
        rssMiB: child.rssMiB,
      });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// ---- summary ------------------------------------------------------------------------------------------------
results.rows = [...stats.values()].map((s) => {
  const pick = (k) => s.samples.map((x) => x[k]);
  const row = {
    group: s.group,
    name: s.name,
    runs: s.samples.length,
    narBytes: s.bytes,
    wallSeconds: spread(pick("wall"), 3),
    userSeconds: spread(pick("user"), 2),
    sysSeconds: spread(pick("sys"), 2),
    cpuSeconds: spread(pick("cpu"), 3),
    peakRssMiB: spread(pick("rssMiB"), 0),
    mibPerSecond: Number((mib(s.bytes) / median(pick("wall"))).toFixed(1)),
    mibPerCpuSecond: Number((mib(s.bytes) / median(pick("cpu"))).toFixed(1)),
  };
  return row;
});
const find = (group, prefix) => results.rows.find((r) => r.group === group && r.name.startsWith(prefix));
results.ratios = {};
const named = (name) => results.rows.find((r) => r.name === name);
const closureRatioKeys = [];
for (const codec of ["zstd", "xz"])
  for (const line of lines) {
    const ours = named(`narwhal copy --from file:// --to local?root=DIR (${codec}${line.suffix})`);
    const nix = find(`closure-${codec}`, "nix copy");
    const fetch = named(
      `narwhal fetch --from file:// of all ${results.paths} paths in one call --out DIR (${codec}${line.suffix})`,
    );
    if (!ours || !nix) continue;
    closureRatioKeys.push(`${codec}${line.suffix}`);
    results.ratios[`${codec}${line.suffix}`] = {
      ...nixCopySpeedup(nix, ours),
      userCpuVsNixCopy: ratio(ours.userSeconds.median, nix.userSeconds.median),
      fetchSpeedupVsNixCopy: ratio(nix.wallSeconds.median, fetch?.wallSeconds.median),
    };
  }
for (const codec of ["zstd", "xz", "gzip", "bzip2", "br"]) {
  const native = find(`decode-${codec}`, "native:");
  const threaded = find(`decode-${codec}`, "threaded native:");
  const ours = find(`decode-${codec}`, "@narwhal");
  if (!native || !ours) continue;
  results.ratios[`decode-${codec}`] = {
    wallVsNative: ratio(ours.mibPerSecond, native.mibPerSecond),
    cpuVsNative: ratio(ours.mibPerCpuSecond, native.mibPerCpuSecond),
    wallVsThreadedNative: threaded ? ratio(ours.mibPerSecond, threaded.mibPerSecond) : undefined,
  };
}

mkdirSync(outDir, { recursive: true });
const base = quick ? "consume-closure-quick" : "consume-closure";
writeFileSync(join(outDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
const sp = (s, d = 2) => `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;
const titles = {
  "closure-zstd": "(a) closure from a zstd cache",
  "closure-xz": "(b) closure from an xz cache",
  "decode-zstd": `(c) decoders, first ${decodeMiB} MiB of the closure's NARs: zstd`,
  "decode-xz": "(c) xz",
  "decode-gzip": "(c) gzip",
  "decode-bzip2": "(c) bzip2",
  "decode-br": "(c) brotli",
};
const r = results.ratios;
const md = [
  `# Consumer path on a real closure (${results.date}${quick ? ", quick mode" : ""})`,
  "",
  `Corpus: real files, never random bytes. A closure of ${results.paths} store paths, ${mib(results.closureNarBytes).toFixed(0)} MiB of NAR: \`nix-store --add\` of ${subtrees.map((s) => `\`${s}\``).join(", ")}, and one derivation output naming them all. Caches written once by narwhal (signed; \`parallel-compression=true\`); every consumer reads the same cache. Caches and targets under ${dirname(work)} (see benchWorkDir).`,
  `${results.cores} cores, shared machine. ${rounds} interleaved rounds (narwhal copy, nix copy, narwhal fetch, floor, narwhal copy, …), each into a fresh directory. Every cell is median (min–max). narwhal runs as \`node apps/cli/dist/main.js\` (start-up included), on Node.js ${lines.map((line) => line.version).join(", ")} (each line from a tree built with it, BENCH_NODES); CPU from \`/usr/bin/time\` (process and children). Decoder rows: the native CLI's whole run against the decode alone inside Node (start-up excluded; its user column is user+sys), with the CLI's allocator setting (glibc keeps freed MiB buffers for reuse).`,
  "",
  "| row | wall s | user s | sys s | peak RSS MiB | MiB/s | MiB per CPU s |",
  "|---|---|---|---|---|---|---|",
  ...Object.keys(titles).flatMap((g) => {
    const rows = results.rows.filter((x) => x.group === g);
    if (rows.length === 0) return [];
    const d = g.startsWith("decode") ? 3 : 2;
    return [
      `| **${titles[g]}** | | | | | | |`,
      ...rows.map(
        (x) =>
          `| ${x.name} | ${sp(x.wallSeconds, d)} | ${sp(x.userSeconds)} | ${sp(x.sysSeconds)} | ${sp(x.peakRssMiB, 0)} | ${x.mibPerSecond} | ${x.mibPerCpuSecond} |`,
      ),
    ];
  }),
  "",
  "## Against issue 17's goals (medians; worst–best pairing in brackets)",
  "",
  "| goal | target | measured |",
  "|---|---|---|",
  ...closureRatioKeys.flatMap((codec) =>
    r[codec]
      ? [
          `| ${codec}: narwhal copy --from vs nix copy --from, wall | ≥ 1.2× faster | ${r[codec].speedupVsNixCopy}× [${r[codec].speedupVsNixCopyWorstBest.join("–")}] (fetch of all paths in one call: ${r[codec].fetchSpeedupVsNixCopy}×) |`,
          `| ${codec}: user CPU, narwhal / nix copy | ≤ 2× | ${r[codec].userCpuVsNixCopy}× |`,
        ]
      : [],
  ),
  ...["zstd", "xz", "gzip", "bzip2", "br"].flatMap((codec) =>
    r[`decode-${codec}`]
      ? [
          `| ${codec} decoder / native CLI, MiB/s by wall (by CPU) | ≥ 0.9× | ${r[`decode-${codec}`].wallVsNative}× (${r[`decode-${codec}`].cpuVsNative}×)${r[`decode-${codec}`].wallVsThreadedNative ? `; against the CLI's threaded decoder ${r[`decode-${codec}`].wallVsThreadedNative}× by wall` : ""} |`,
        ]
      : [],
  ),
  "",
].join("\n");
writeFileSync(join(outDir, `${base}.md`), md);
console.log(md);
