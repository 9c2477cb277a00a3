// Push throughput on real closures (issue 14), measured as a user would: the CLI's installed entry point against
// Nix 2.8 `nix copy` and the native `nix-store --dump | zstd/xz` pipelines, interleaved rounds, wall/CPU/RSS spread.
//
// Corpus: real files only. Subtrees of /usr (man pages, perl, valgrind, ceph, i18n, gconv, icons) added with
// `nix-store --add`, plus one path built with a tiny derivation whose contents name all of them (so the closure is a
// real closure with references), and one ~60 MiB path of /usr/bin binaries. Writes bench-results/upload-closure.{json,md}.
// Start-up has its own bench, startup.mjs.
// Env: BENCH_UPLOAD_QUICK=1 (small corpus, 2 rounds), BENCH_ROUNDS (default 3), BENCH_NODES (narwhal's rows on
// more Node.js lines: nodeLines in harness.mjs),
// S3_ENDPOINT (+ AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the RGW rows (skipped without it), BENCH_UPLOAD_CODECS
// (default "zstd,xz": the closure codecs to run; the xz rows take minutes per round). Never asserts.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  addRealClosure,
  CLOSURE_SUBTREES,
  must,
  narSizeOf,
  sampleRecorder,
  timed as timedIn,
  median,
  spread,
  nodeLines,
  nixCopySpeedup,
  ratio,
} from "./harness.mjs";
import { bucketAdmin, putFileRaw, s3UrlFor } from "./rgw-ceiling.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = join(root, "bench-results");
if (spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("upload-closure bench: needs real Nix (nix-store, nix copy) on PATH (skipped)");
  process.exit(0);
}
const quick = process.env.BENCH_UPLOAD_QUICK === "1";
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? "2" : "3"));
const endpoint = process.env.S3_ENDPOINT ?? "";
const closureCodecs = (process.env.BENCH_UPLOAD_CODECS ?? "zstd,xz").split(",").filter((codec) => codec !== "");
for (const codec of closureCodecs)
  if (!["zstd", "xz"].includes(codec)) throw new Error(`BENCH_UPLOAD_CODECS: unknown codec ${JSON.stringify(codec)}`);
const subtrees = quick
  ? ["/usr/share/i18n", "/usr/lib/x86_64-linux-gnu/gconv", "/usr/lib/x86_64-linux-gnu/ceph"]
  : CLOSURE_SUBTREES;
const singleMiB = quick ? 20 : 60;
const work = mkdtempSync(join(tmpdir(), "narwhal-upload-closure-"));
const runId = randomUUID().slice(0, 8);
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
const mib = (bytes) => bytes / 1024 ** 2;
const gib = (bytes) => bytes / 1024 ** 3;
const timed = (cmd, args, options = {}) => timedIn(work, cmd, args, options);
const sh = (script) => timed("/bin/sh", ["-c", script]);
function duBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  return total;
}
const s3admin = (action, bucket) => bucketAdmin(endpoint, action, bucket);
const s3Url = s3UrlFor(endpoint);
const putFileRawTimed = (file, bucket) => putFileRaw(endpoint, file, bucket);

// ---- corpus -------------------------------------------------------------------------------------------------
function buildCorpus() {
  const { top, paths: closure, narBytes: closureNar } = addRealClosure(work, subtrees, "narwhal-bench-closure");
  // The single path: regular files of /usr/bin in name order until singleMiB.
  const binDir = join(work, `usr-bin-${singleMiB}m`);
  mkdirSync(binDir);
  let size = 0;
  for (const name of readdirSync("/usr/bin").sort()) {
    const from = join("/usr/bin", name);
    const st = statSync(from, { throwIfNoEntry: false });
    // Skip files that would overshoot, so the path stays close to singleMiB.
    if (!st?.isFile() || size + st.size > singleMiB * 1024 ** 2) continue;
    copyFileSync(from, join(binDir, name));
    size += st.size;
  }
  const single = must("nix-store", ["--add", binDir]).trim();
  rmSync(binDir, { recursive: true, force: true });
  return { top, closure, single, closureNar, singleNar: narSizeOf(single) };
}

// ---- rows ---------------------------------------------------------------------------------------------------
const { stats, record } = sampleRecorder(); // row name -> {group, bytes, samples: [{wall, cpu, rssMiB, outBytes}]}
/** One file:// destination run: fresh directory, measured, its output size noted, removed. */
function fileRun(group, name, bytes, makeCmd) {
  const dir = join(work, `dest-${randomUUID().slice(0, 6)}`);
  mkdirSync(dir);
  try {
    const [cmd, args] = makeCmd(dir);
    record(group, name, bytes, { ...timed(cmd, args), outBytes: duBytes(dir) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// narwhal's rows run on each Node.js line (BENCH_NODES); with more than one, each row names its line.
const lines = nodeLines(root);
const fileUrl = (dir, codec) => `file://${dir}?compression=${codec}&parallel-compression=true`;
const buckets = new Set();

const results = {
  date: new Date().toISOString(),
  quick,
  closureCodecs,
  rounds,
  cores: Number(must("nproc", []).trim()),
  subtrees,
  rows: [],
  ratios: {},
};
try {
  console.error(
    `upload-closure bench: adding ${subtrees.length} /usr subtrees and a ${singleMiB} MiB /usr/bin path to the Nix store`,
  );
  const corpus = buildCorpus();
  Object.assign(results, {
    top: corpus.top,
    paths: corpus.closure.length,
    closureNarBytes: corpus.closureNar,
    single: corpus.single,
    singleNarBytes: corpus.singleNar,
  });
  console.error(
    `  closure of ${corpus.closure.length} paths, ${mib(corpus.closureNar).toFixed(0)} MiB of NAR; single path ${mib(corpus.singleNar).toFixed(0)} MiB`,
  );
  const allNar = join(work, "all.nar"); // every NAR of the closure, concatenated: the limit rows' input (also warms the page cache)
  sh(`for p in ${corpus.closure.join(" ")}; do nix-store --dump "$p"; done > ${allNar}`);
  const native = { zstd: "zstd -T2 -3 -c", xz: "xz -T2 -6 -c" };
  const ext = { zstd: "zst", xz: "xz" };

  for (const codec of closureCodecs) {
    const g = `closure-${codec}`;
    for (let round = 0; round < rounds; round++) {
      console.error(`closure, ${codec}, file://, round ${round + 1}/${rounds}`);
      for (const line of lines)
        fileRun(g, `narwhal copy -> file://, ${codec}, parallel-compression${line.suffix}`, corpus.closureNar, (d) => [
          line.node,
          [line.cli, "copy", "--to", fileUrl(d, codec), corpus.top],
        ]);
      fileRun(g, `nix copy (2.8) -> file://, ${codec}, parallel-compression`, corpus.closureNar, (d) => [
        "nix",
        ["copy", "--to", fileUrl(d, codec), corpus.top],
      ]);
      fileRun(
        g,
        `native: nix-store --dump P | ${native[codec].replace(" -c", "")} > file, per path`,
        corpus.closureNar,
        (d) => [
          "/bin/sh",
          [
            "-c",
            corpus.closure
              .map((p, i) => `nix-store --dump ${p} | ${native[codec]} > ${d}/${i}.nar.${ext[codec]}`)
              .join(" && "),
          ],
        ],
      );
      fileRun(
        g,
        `limit: ${native[codec].replace(" -c", "")} of all NARs concatenated (no dump, no hashing)`,
        corpus.closureNar,
        (d) => ["/bin/sh", ["-c", `${native[codec]} < ${allNar} > ${d}/all.nar.${ext[codec]}`]],
      );
    }
  }

  if (endpoint !== "") {
    const zst = join(work, "all.nar.zst");
    must("/bin/sh", ["-c", `zstd -T2 -3 -c < ${allNar} > ${zst}`]);
    for (let round = 0; round < rounds; round++) {
      console.error(`closure, zstd, RGW, round ${round + 1}/${rounds}`);
      for (const [which, line] of [...lines.map((line) => ["narwhal", line]), ["ceiling", undefined]]) {
        const bucket = `narwhal-bench-cl-${which}-${runId}-${round}-${randomUUID().slice(0, 4)}`;
        await s3admin("create", bucket);
        buckets.add(bucket);
        try {
          if (which === "narwhal") {
            record(
              "closure-rgw",
              `narwhal copy -> RGW (s3://…&endpoint), zstd, parallel-compression${line.suffix}`,
              corpus.closureNar,
              timed(line.node, [
                line.cli,
                "copy",
                "--to",
                s3Url(bucket, "compression=zstd", "parallel-compression=true"),
                corpus.top,
              ]),
            );
          } else {
            record(
              "closure-rgw",
              "RGW ceiling: PUT of the native zstd bytes, 4 objects x 4 parts in flight, no compression (in-process)",
              corpus.closureNar,
              { ...(await putFileRawTimed(zst, bucket)), outBytes: statSync(zst).size },
            );
          }
        } finally {
          await s3admin("delete", bucket).then(
            () => buckets.delete(bucket),
            (e) => console.error(`  could not delete bucket ${bucket}: ${e.message}`),
          );
        }
      }
    }
    rmSync(zst, { force: true });
  } else console.error("upload-closure bench: S3_ENDPOINT not set, RGW rows skipped");
  rmSync(allNar, { force: true });

  for (let round = 0; round < rounds; round++) {
    console.error(`single ${singleMiB} MiB path, zstd, round ${round + 1}/${rounds}`);
    const g = "single";
    for (const line of lines)
      fileRun(
        g,
        `narwhal copy -> file://, zstd, parallel-compression (one ${singleMiB} MiB path${line.suffix})`,
        corpus.singleNar,
        (d) => [line.node, [line.cli, "copy", "--to", fileUrl(d, "zstd"), corpus.single]],
      );
    fileRun(
      g,
      `nix copy (2.8) -> file://, zstd, parallel-compression (one ${singleMiB} MiB path)`,
      corpus.singleNar,
      (d) => ["nix", ["copy", "--to", fileUrl(d, "zstd"), corpus.single]],
    );
    fileRun(g, `native: nix-store --dump P | zstd -T2 -3 > file (start-up included)`, corpus.singleNar, (d) => [
      "/bin/sh",
      ["-c", `nix-store --dump ${corpus.single} | zstd -T2 -3 -c > ${d}/p.nar.zst`],
    ]);
  }
} finally {
  for (const b of buckets)
    await s3admin("delete", b).catch((error) => console.error(`could not delete bucket ${b}: ${error.message}`));
  rmSync(work, { recursive: true, force: true });
}

// ---- summary ------------------------------------------------------------------------------------------------
for (const s of stats.values()) {
  const pick = (k) => s.samples.map((x) => x[k]).filter((v) => v !== undefined);
  const row = {
    group: s.group,
    name: s.name,
    runs: s.samples.length,
    narBytes: s.bytes,
    wallSeconds: spread(pick("wall"), 3),
    cpuSeconds: spread(pick("cpu"), 2),
  };
  if (pick("rssMiB").length) row.peakRssMiB = spread(pick("rssMiB"), 0);
  if (s.bytes) {
    row.cpuSecondsPerGiB = spread(
      pick("cpu").map((c) => c / gib(s.bytes)),
      2,
    );
    row.mibPerSecond = Number((mib(s.bytes) / row.wallSeconds.median).toFixed(1));
  }
  if (pick("outBytes").length) row.outMiB = Number(mib(median(pick("outBytes"))).toFixed(1));
  results.rows.push(row);
}
const find = (group, prefix) => results.rows.find((r) => r.group === group && r.name.startsWith(prefix));
const named = (group, name) => results.rows.find((r) => r.group === group && r.name === name);
for (const codec of ["zstd", "xz"])
  for (const line of lines) {
    const g = `closure-${codec}`;
    const ours = named(g, `narwhal copy -> file://, ${codec}, parallel-compression${line.suffix}`),
      nix = find(g, "nix copy"),
      nat = find(g, "native"),
      lim = find(g, "limit");
    if (!ours) continue;
    results.ratios[`${codec}${line.suffix}`] = {
      ...nixCopySpeedup(nix, ours),
      wallVsLimit: ratio(ours.wallSeconds.median, lim.wallSeconds.median),
      wallVsNativePipeline: ratio(ours.wallSeconds.median, nat.wallSeconds.median),
      cpuPerGiBVsNativePipeline: ratio(ours.cpuSecondsPerGiB.median, nat.cpuSecondsPerGiB.median),
      peakRssMiB: ours.peakRssMiB.max,
    };
  }
for (const line of lines) {
  const rgwOurs = named(
      "closure-rgw",
      `narwhal copy -> RGW (s3://…&endpoint), zstd, parallel-compression${line.suffix}`,
    ),
    rgwCeil = find("closure-rgw", "RGW ceiling");
  if (rgwOurs)
    results.ratios[`rgw${line.suffix}`] = {
      wallVsCeiling: ratio(rgwOurs.wallSeconds.median, rgwCeil.wallSeconds.median),
      peakRssMiB: rgwOurs.peakRssMiB.max,
    };
  const sOurs = named(
      "single",
      `narwhal copy -> file://, zstd, parallel-compression (one ${singleMiB} MiB path${line.suffix})`,
    ),
    sNat = find("single", "native"),
    sNix = find("single", "nix copy");
  if (sOurs)
    results.ratios[`single${line.suffix}`] = {
      throughputVsNativePipeline: ratio(sNat.wallSeconds.median, sOurs.wallSeconds.median),
      speedupVsNixCopy: ratio(sNix.wallSeconds.median, sOurs.wallSeconds.median),
      peakRssMiB: sOurs.peakRssMiB.max,
    };
}

mkdirSync(outDir, { recursive: true });
const base = quick ? "upload-closure-quick" : "upload-closure";
writeFileSync(join(outDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
const sp = (s, d = 2) => (s ? `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})` : "");
const titles = {
  "closure-zstd": "(a) closure, zstd, file://",
  "closure-xz": "(b) closure, xz, file://",
  "closure-rgw": "(c) closure, zstd, RGW",
  single: `(d) one ${singleMiB} MiB path, zstd, file://`,
};
const r = results.ratios;
const md = [
  `# Upload of a real closure (${results.date}${quick ? ", quick mode" : ""})`,
  "",
  `Corpus: real files, never random bytes. A closure of ${results.paths} store paths, ${mib(results.closureNarBytes).toFixed(0)} MiB of NAR: \`nix-store --add\` of ${subtrees.map((s) => `\`${s}\``).join(", ")}, and one derivation output naming them all (its references). The single path is ${mib(results.singleNarBytes).toFixed(0)} MiB of \`/usr/bin\` binaries.`,
  ...(closureCodecs.length < 2
    ? [
        `Closure codecs run: ${closureCodecs.join(", ")} only (BENCH_UPLOAD_CODECS); the other codec's rows were not measured in this run.`,
      ]
    : []),
  `${results.cores} cores, shared machine, RGW on the same cores. ${rounds} interleaved rounds (narwhal, nix copy, native, limit, narwhal, …). Every cell is median (min–max).`,
  `narwhal runs as \`node apps/cli/dist/main.js\` (the package's \`bin\`), on Node.js ${lines.map((line) => line.version).join(", ")} (each line from a tree built with it, BENCH_NODES); wall time includes process start-up everywhere. CPU = user+sys of the process and its children (\`/usr/bin/time\`); peak RSS is the largest single process (for a pipeline, its biggest member). Each run writes into a fresh directory or bucket.`,
  "",
  "| row | wall s | CPU s | CPU s/GiB | peak RSS MiB | MiB/s | out MiB |",
  "|---|---|---|---|---|---|---|",
  ...Object.keys(titles).flatMap((g) => {
    const rows = results.rows.filter((x) => x.group === g);
    if (rows.length === 0) return [];
    return [
      `| **${titles[g]}** | | | | | | |`,
      ...rows.map(
        (x) =>
          `| ${x.name} | ${sp(x.wallSeconds, 2)} | ${sp(x.cpuSeconds)} | ${sp(x.cpuSecondsPerGiB)} | ${x.peakRssMiB ? sp(x.peakRssMiB, 0) : ""} | ${x.mibPerSecond ?? ""} | ${x.outMiB ?? ""} |`,
      ),
    ];
  }),
  "",
  "## Against issue 14's goals (medians; worst–best pairing in brackets)",
  "",
  "| goal | target | measured |",
  "|---|---|---|",
  ...lines.flatMap(({ suffix: on }) => {
    const zstd = r[`zstd${on}`],
      xz = r[`xz${on}`],
      rgw = r[`rgw${on}`],
      single = r[`single${on}`];
    return [
      zstd &&
        `| zstd${on}: narwhal vs nix copy | ≥ 1.4× faster | ${zstd.speedupVsNixCopy}× [${zstd.speedupVsNixCopyWorstBest.join("–")}] |`,
      zstd &&
        `| zstd${on}: narwhal wall / concatenated \`zstd -T2 -3\` limit | ≤ 1.15× | ${zstd.wallVsLimit}× (vs per-path native pipeline: ${zstd.wallVsNativePipeline}×) |`,
      zstd && `| zstd${on}: CPU/GiB narwhal / native pipeline | ≤ 1.3× | ${zstd.cpuPerGiBVsNativePipeline}× |`,
      zstd && `| zstd${on}: peak RSS | ≤ 200 MiB | ${zstd.peakRssMiB} MiB (RGW: ${rgw?.peakRssMiB ?? "–"} MiB) |`,
      xz &&
        `| xz${on}: narwhal vs nix copy | ≥ 1.8× faster | ${xz.speedupVsNixCopy}× [${xz.speedupVsNixCopyWorstBest.join("–")}] |`,
      xz &&
        `| xz${on}: CPU/GiB narwhal / native pipeline | ≤ 1.3× | ${xz.cpuPerGiBVsNativePipeline}× (wall vs limit ${xz.wallVsLimit}×) |`,
      xz && `| xz${on}: peak RSS | ≤ 300 MiB | ${xz.peakRssMiB} MiB |`,
      rgw && `| RGW${on}: narwhal wall / ingest ceiling | (context) | ${rgw.wallVsCeiling}× |`,
      single &&
        `| ${singleMiB} MiB path${on}: narwhal throughput / native pipeline (start-up included) | ≥ 0.8× | ${single.throughputVsNativePipeline}× (vs nix copy: ${single.speedupVsNixCopy}× faster) |`,
    ];
  }),
  "",
  "Start-up (`narwhal --version`, a `copy` of an already-present path) is startup.mjs's: bench-results/startup.md.",
  "",
]
  .filter((line) => line !== undefined && line !== false)
  .join("\n");
writeFileSync(join(outDir, `${base}.md`), md);
console.log(md);
