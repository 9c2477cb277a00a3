// Upload benchmark (issue 5): a generated store pushed to RGW with `narwhal copy`, compared with the native
// compressors on the same NARs, real Nix's `nix copy --to file://` on the same paths, tiny paths per second, and
// the peak RSS of one big NAR. Writes bench-results/upload.{json,md}; measures, never asserts.
//
// Env: S3_ENDPOINT (required; plus AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), BENCH_UPLOAD_SCALE (default 1 =
// >= 1 GiB over 300 paths + 5,000 tiny paths; 0.05 for a quick run), BENCH_UPLOAD_BIG_MIB (default 4096 x scale).
import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  ftruncateSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bucketAdmin, putFileRaw, s3UrlFor } from "./rgw-ceiling.mjs";

// The AWS SDK notice that its future releases need Node >= 22 is noise in benchmark output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "apps/cli/dist/main.js");
const outDir = join(root, "bench-results");
const endpoint = process.env.S3_ENDPOINT ?? "";
if (endpoint === "") {
  console.error("upload bench: S3_ENDPOINT is not set. Start Ceph RGW (as .ci/run does) and export S3_ENDPOINT,");
  console.error(
    "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (e.g. `set -a; . rgw.env; set +a`), then run `node tooling/bench/upload.mjs`.",
  );
  process.exit(0);
}
const hasNix = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasNix) {
  console.error("upload bench: needs nix-store on PATH to register the generated paths in a local store (skipped)");
  process.exit(0);
}
const scale = Number(process.env.BENCH_UPLOAD_SCALE ?? "1");
const mixedCount = Math.max(3, Math.round(300 * scale));
const mixedBytes = Math.round(1.1 * 1024 ** 3 * scale);
const tinyCount = Math.max(10, Math.round(5000 * scale));
const bigMiB = Number(process.env.BENCH_UPLOAD_BIG_MIB ?? String(Math.max(64, Math.round(4096 * scale))));
const work = mkdtempSync(join(tmpdir(), "narwhal-upload-bench-"));
const runId = randomUUID().slice(0, 8);
const env = { ...process.env, NIX_CONFIG: "experimental-features = nix-command" };

function run(cmd, args, options = {}) {
  const started = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
    env,
    maxBuffer: 1 << 30,
    encoding: "utf8",
    ...options,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.slice(0, 6).join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const lines = r.stderr.trim().split("\n");
  return { seconds, peakRssMiB: Number(lines[lines.length - 1]) / 1024, stdout: r.stdout };
}
function sh(script) {
  return run("/bin/sh", ["-c", script]);
}
const mib = (bytes) => bytes / 1024 ** 2;

/** Mixed sizes: a few large, many medium, many small; half compressible text, half random. Deterministic. */
function mixedSizes() {
  const weights = Array.from({ length: mixedCount }, (_, i) => Math.exp((((i * 7919) % mixedCount) / mixedCount) * 7));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.max(1024, Math.round((w / total) * mixedBytes)));
}
function writeMixedDir(dir, size, index) {
  mkdirSync(join(dir, "share"), { recursive: true });
  const text = Buffer.from(`line ${index} of a generated store path for the narwhal upload benchmark; `.repeat(64));
  const half = Math.floor(size / 2);
  const fd = openSync(join(dir, "share", "data.txt"), "w");
  for (let written = 0; written < half; written += text.length)
    writeSync(fd, text, 0, Math.min(text.length, half - written));
  closeSync(fd);
  const rfd = openSync(join(dir, "share", "data.bin"), "w");
  for (let written = 0; written < size - half; written += 1 << 20)
    writeSync(rfd, randomBytes(Math.min(1 << 20, size - half - written)));
  closeSync(rfd);
}
function addToNix(dirs) {
  const paths = [];
  for (let i = 0; i < dirs.length; i += 500)
    paths.push(
      ...run("nix-store", ["--add", ...dirs.slice(i, i + 500)])
        .stdout.trim()
        .split("\n"),
    );
  return paths;
}
const s3 = (action, bucket) => bucketAdmin(endpoint, action, bucket);
const s3Url = s3UrlFor(endpoint);
/** The RGW ceiling row: seconds to PUT `file` with no compression work. */
const putFileRawSeconds = async (file, bucket) => (await putFileRaw(endpoint, file, bucket)).wall;

const results = { date: new Date().toISOString(), scale, mixedCount, tinyCount, bigMiB, rows: [] };
const buckets = [];
async function bucket(label) {
  const name = `narwhal-bench-${label}-${runId}`;
  await s3("create", name);
  buckets.push(name);
  return name;
}
try {
  console.error(
    `upload bench: generating ${mixedCount} mixed paths (~${mib(mixedBytes).toFixed(0)} MiB) and ${tinyCount} tiny paths in ${work}`,
  );
  const mixedDirs = mixedSizes().map((size, i) => {
    const dir = join(work, "mixed", `bench-${runId}-m${i}`);
    writeMixedDir(dir, size, i);
    return dir;
  });
  const mixed = addToNix(mixedDirs);
  const tinyDirs = Array.from({ length: tinyCount }, (_, i) => {
    const dir = join(work, "tiny", `bench-${runId}-t${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "f"), `tiny ${runId} ${i}\n`);
    return dir;
  });
  const tiny = addToNix(tinyDirs);
  rmSync(join(work, "mixed"), { recursive: true, force: true });
  rmSync(join(work, "tiny"), { recursive: true, force: true });
  const narFile = join(work, "all.nar");
  sh(`for p in ${mixed.join(" ")}; do nix-store --dump "$p"; done > ${narFile}`);
  const narBytes = Number(spawnSync("stat", ["-c", "%s", narFile], { encoding: "utf8" }).stdout.trim());
  const listFile = join(work, "mixed.txt");
  writeFileSync(listFile, `${mixed.join("\n")}\n`);
  const row = (name, seconds, bytes, extra = {}) => {
    const entry = {
      name,
      seconds: Number(seconds.toFixed(2)),
      mibPerSecond: Number((mib(bytes) / seconds).toFixed(1)),
      ...extra,
    };
    results.rows.push(entry);
    console.error(
      `  ${name}: ${entry.seconds} s, ${entry.mibPerSecond} MiB/s${extra.peakRssMiB ? `, peak RSS ${extra.peakRssMiB.toFixed(0)} MiB` : ""}`,
    );
  };

  for (const [codec, nativeArgs] of [
    ["zstd", "zstd -T2 -3 -c"],
    ["xz", "xz -T2 -6 -c"],
  ]) {
    const native = sh(`${nativeArgs} < ${narFile} > /dev/null`);
    row(`native ${nativeArgs.replace(" -c", "")} (same NARs, no upload)`, native.seconds, narBytes);
    if (codec === "zstd") {
      const compressedFile = join(work, "all.nar.zst");
      sh(`${nativeArgs} < ${narFile} > ${compressedFile}`);
      // What RGW on these cores can take at all: the natively compressed bytes, PUT with no compression work.
      const seconds = await putFileRawSeconds(compressedFile, await bucket("ceiling"));
      row(
        "RGW ingest ceiling: PUT of those zstd bytes, 4 objects x 4 parts in flight, no compression",
        seconds,
        narBytes,
        { compressedMiB: Number(mib(statSync(compressedFile).size).toFixed(0)) },
      );
      rmSync(compressedFile, { force: true });
    }
    const b = await bucket(codec);
    const ours = run(
      "node",
      [cli, "copy", "--to", s3Url(b, `compression=${codec}`, "parallel-compression=true"), "--stdin", "--json"],
      { input: `${mixed.join("\n")}\n` },
    );
    row(`narwhal copy -> RGW, ${codec}, parallel-compression`, ours.seconds, narBytes, {
      peakRssMiB: ours.peakRssMiB,
      vsNative: Number((native.seconds / ours.seconds).toFixed(2)),
    });
  }
  const ceilingRow = results.rows.find((r) => r.name.startsWith("RGW ingest ceiling"));
  const oursZstd = results.rows.find((r) => r.name.startsWith("narwhal copy -> RGW, zstd"));
  oursZstd.vsCeiling = Number((ceilingRow.seconds / oursZstd.seconds).toFixed(2));
  const nixDir = join(work, "nix-cache");
  const nixCopy = run("nix", ["copy", "--to", `file://${nixDir}?compression=xz&parallel-compression=true`, ...mixed]);
  const oursXz = results.rows.find((r) => r.name.startsWith("narwhal copy -> RGW, xz"));
  row("nix copy (2.8) -> file://, xz, parallel-compression", nixCopy.seconds, narBytes, {
    peakRssMiB: nixCopy.peakRssMiB,
    narwhalSpeedup: Number((nixCopy.seconds / oursXz.seconds).toFixed(2)),
  });
  const nativeXz = results.rows.find((r) => r.name.startsWith("native xz"));
  // The most any tool doing the same xz -6 work on these cores could gain over Nix.
  results.xzBoundVsNix = Number((nixCopy.seconds / nativeXz.seconds).toFixed(2));
  rmSync(nixDir, { recursive: true, force: true });

  const tb = await bucket("tiny");
  const tinyRun = run(
    "node",
    [cli, "copy", "--to", s3Url(tb, "compression=zstd"), "--jobs", "16", "--stdin", "--json"],
    { input: `${tiny.join("\n")}\n` },
  );
  results.rows.push({
    name: `narwhal copy ${tinyCount} tiny paths -> RGW, zstd, --jobs 16`,
    seconds: Number(tinyRun.seconds.toFixed(2)),
    pathsPerSecond: Number((tinyCount / tinyRun.seconds).toFixed(0)),
    peakRssMiB: tinyRun.peakRssMiB,
  });
  console.error(`  tiny: ${(tinyCount / tinyRun.seconds).toFixed(0)} paths/s`);

  const bigFile = join(work, `big-${runId}.bin`);
  const fd = openSync(bigFile, "w");
  ftruncateSync(fd, bigMiB * 1024 * 1024);
  for (let offset = 0; offset < bigMiB * 1024 * 1024; offset += 64 << 20)
    writeSync(fd, randomBytes(1 << 20), 0, 1 << 20, offset);
  closeSync(fd);
  const bb = await bucket("big");
  const big = run("node", [cli, "store", "add", bigFile, "--to", s3Url(bb, "compression=zstd"), "--json"]);
  results.rows.push({
    name: `narwhal store add one ${bigMiB} MiB NAR (sparse + random blocks) -> RGW, zstd, default buffer-size`,
    seconds: Number(big.seconds.toFixed(2)),
    mibPerSecond: Number(((bigMiB * 2) / big.seconds).toFixed(1)),
    peakRssMiB: Number(big.peakRssMiB.toFixed(0)),
    note: "NAR read twice (hash, then upload); MiB/s counts both reads",
  });
  console.error(`  big NAR: peak RSS ${big.peakRssMiB.toFixed(0)} MiB`);
  results.narBytes = narBytes;
} finally {
  for (const b of buckets)
    await s3("delete", b).catch((error) =>
      console.error(`upload bench: could not delete bucket ${b}: ${error.message}`),
    );
  rmSync(work, { recursive: true, force: true });
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "upload.json"), `${JSON.stringify(results, null, 2)}\n`);
const md = [
  `# Upload benchmark (${results.date})`,
  "",
  `Scale ${scale}: ${mixedCount} mixed paths (${mib(results.narBytes).toFixed(0)} MiB of NAR, half text, half random bytes), ${tinyCount} tiny paths, one ${bigMiB} MiB NAR. 2 cores, RGW on the same cores. Numbers, not assertions.`,
  "MiB/s are MiB of NAR per second. The ceiling row PUTs the bytes native zstd produced, with no compression work: no client can copy zstd faster to this RGW.",
  `Upper bound for any xz copy against Nix here: native \`xz -T2 -6\` is ${results.xzBoundVsNix}x faster than \`nix copy\`.`,
  "",
  "| run | seconds | MiB/s | paths/s | peak RSS MiB | ratio |",
  "|---|---|---|---|---|---|",
  ...results.rows.map(
    (r) =>
      `| ${r.name} | ${r.seconds} | ${r.mibPerSecond ?? ""} | ${r.pathsPerSecond ?? ""} | ${r.peakRssMiB === undefined ? "" : Math.round(r.peakRssMiB)} | ${[r.vsNative !== undefined ? `${r.vsNative}x native` : "", r.vsCeiling !== undefined ? `${r.vsCeiling}x RGW ceiling` : "", r.narwhalSpeedup !== undefined ? `narwhal ${r.narwhalSpeedup}x faster` : ""].filter(Boolean).join(", ")} |`,
  ),
  "",
].join("\n");
writeFileSync(join(outDir, "upload.md"), md);
console.log(md);
