// S3 request-cost benchmark of @narwhal/s3: small PutObject per second and client CPU per PUT, and streamed multipart
// MiB/s, for the AWS SDK client path (`leanRequests: false`) vs the lean path (requests signed by the SDK's signer,
// sent over a keep-alive agent); both paths share the same part assembly. Writes bench-results/s3-requests.{json,md};
// measures, never asserts. Runs are interleaved (every case once per round, the order reversed each round) and
// each row reports the median and the spread (min-max) over the rounds.
//
// Env: S3_ENDPOINT (required; plus AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), BENCH_S3_PUTS (default 4000),
// BENCH_S3_STREAM_MIB (default 560, as 10 objects; 0 skips the streamed rows), BENCH_S3_RUNS (rounds, default 3),
// BENCH_S3_BASELINE (optional: the dist/index.js of another @narwhal/s3 build, e.g. an older commit's, whose lean
// path then runs as extra "baseline" rows in the same rounds). Results are saved after every round.
// Volume: runs x 2 x BENCH_S3_STREAM_MIB of objects; they are deleted after each case, but RGW frees deleted data
// only when its garbage collector runs, so a small memstore RGW can fill up (lower BENCH_S3_STREAM_MIB then).
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../..", import.meta.url));
const endpoint = process.env.S3_ENDPOINT ?? "";
if (endpoint === "") {
  console.error("s3-requests bench: S3_ENDPOINT is not set. Start Ceph RGW (as .ci/run does) and export S3_ENDPOINT,");
  console.error(
    "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (e.g. `set -a; . rgw.env; set +a`), then run `node tooling/bench/s3-requests.mjs`.",
  );
  process.exit(0);
}
const current = await import("@narwhal/s3");
const { ensureBucket, deleteBucket } = current;
const baselinePath = process.env.BENCH_S3_BASELINE ?? "";
const baseline = baselinePath === "" ? undefined : await import(pathToFileURL(baselinePath).href);

const puts = Number(process.env.BENCH_S3_PUTS ?? "4000");
const streamMiB = Number(process.env.BENCH_S3_STREAM_MIB ?? "560");
const runs = Number(process.env.BENCH_S3_RUNS ?? "3");
const objects = 10;
const objectMiB = Math.max(6, Math.round(streamMiB / objects));
const MiB = 1024 * 1024;
const bucket = `narwhal-bench-s3-${randomBytes(4).toString("hex")}`;
const url = `s3://${bucket}?endpoint=${encodeURIComponent(endpoint)}`;

/** The request paths measured: the SDK client, the lean path, and optionally the baseline build's lean path. */
const variants = [
  { name: "sdk", S3BlobStore: current.S3BlobStore, leanRequests: false },
  { name: "lean", S3BlobStore: current.S3BlobStore, leanRequests: true },
  ...(baseline === undefined ? [] : [{ name: "lean-baseline", S3BlobStore: baseline.S3BlobStore, leanRequests: true }]),
];

async function smallPuts(variant, concurrency, run) {
  const store = variant.S3BlobStore.fromUrl(url, { leanRequests: variant.leanRequests });
  const body = randomBytes(300);
  const prefix = `small/${variant.name}-${concurrency}-${run}`;
  try {
    await store.put(`${prefix}/warm`, body, { contentType: "text/x-nix-narinfo" }); // credentials, endpoint, sockets
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const worker = async () => {
      while (next < puts) {
        const i = next++;
        await store.put(`${prefix}/${i}.narinfo`, body, { contentType: "text/x-nix-narinfo" });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      rate: Math.round(puts / seconds),
      cpu: Number(((used.user + used.system) / 1000 / puts).toFixed(3)),
      seconds: Number(seconds.toFixed(2)),
    };
  } finally {
    await store.close();
  }
}

async function streamed(variant, run) {
  const store = variant.S3BlobStore.fromUrl(url, { leanRequests: variant.leanRequests, queueSize: 4 });
  const data = randomBytes(objectMiB * MiB);
  const key = (i) => `nar/${variant.name}-${run}-${i}.nar`;
  try {
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const worker = async () => {
      while (next < objects) {
        const i = next++;
        const body = (async function* () {
          for (let offset = 0; offset < data.length; offset += MiB) yield data.subarray(offset, offset + MiB);
        })();
        await store.put(key(i), body, { contentType: "application/x-nix-nar", sizeHint: data.length });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    for (let i = 0; i < objects; i += 1) await store.delete(key(i));
    return {
      rate: Number(((objects * objectMiB) / seconds).toFixed(1)),
      cpu: Number(((used.user + used.system) / 1e6).toFixed(2)),
      seconds: Number(seconds.toFixed(2)),
    };
  } finally {
    await store.close();
  }
}

const cases = [
  ...[16, 32].flatMap((concurrency) =>
    variants.map((variant) => ({
      name: `smallPut ${variant.name} x${concurrency}`,
      kind: "smallPut",
      measure: (run) => smallPuts(variant, concurrency, run),
    })),
  ),
  ...(streamMiB > 0
    ? variants.map((variant) => ({
        name: `streamed ${variant.name}`,
        kind: "streamed",
        measure: (run) => streamed(variant, run),
      }))
    : []),
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : Number(((sorted[middle - 1] + sorted[middle]) / 2).toFixed(3));
}

function spread(values) {
  return `${median(values)} (${Math.min(...values)}–${Math.max(...values)})`;
}

const outDir = join(root, "bench-results");
function save(print = false) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "s3-requests.json"), `${JSON.stringify(report, null, 2)}\n`);
  const rows = cases
    .filter((c) => report.results[c.name]?.length > 0)
    .map((c) => {
      const results = report.results[c.name];
      const rates = results.map((r) => r.rate);
      const cpus = results.map((r) => r.cpu);
      const walls = results.map((r) => r.seconds);
      return c.kind === "smallPut"
        ? `| ${c.name} | ${spread(rates)} PUT/s | ${spread(cpus)} ms CPU/PUT | ${spread(walls)} s |`
        : `| ${c.name} | ${spread(rates)} MiB/s | ${spread(cpus)} s CPU total | ${spread(walls)} s |`;
    });
  const md = [
    "# S3 request cost: AWS SDK client path vs lean path",
    "",
    `${report.date}, RGW at ${endpoint}, Node ${process.version}.`,
    `Small PUTs: ${puts} × 300 B at 16 and 32 concurrent.`,
    ...(streamMiB > 0
      ? [
          `Streamed: ${objects} × ${objectMiB} MiB incompressible objects, 1 MiB pieces, 5 MiB parts, queueSize 4, 4 objects at once (both paths use the same part assembly).`,
        ]
      : []),
    "Client CPU = this process's user+sys.",
    "`sdk` = every request through the AWS SDK client (`leanRequests: false`); `lean` = PutObject and UploadPart signed by the SDK's signer (@smithy/signature-v4) and sent over a keep-alive agent.",
    ...(baseline === undefined ? [] : [`\`lean-baseline\` = the lean path of the build at ${baselinePath}.`]),
    `Each cell: median (min–max) over ${report.roundsDone} interleaved rounds (every case once per round, the order reversed each round).`,
    "**Noisy**: a shared 2-core machine where RGW runs on the same cores and other agents run at the same time.",
    "",
    "| case | rate | client CPU | wall |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
  writeFileSync(join(outDir, "s3-requests.md"), md);
  if (print) process.stdout.write(md);
}

await ensureBucket(url);
const report = {
  date: new Date().toISOString(),
  endpoint,
  node: process.version,
  note: "shared 2-core machine, RGW on the same cores, other agents running: numbers are noisy; median (min-max) of interleaved rounds",
  runs,
  roundsDone: 0,
  baseline: baselinePath === "" ? undefined : baselinePath,
  smallPut: { bytes: 300, puts },
  streamed: streamMiB > 0 ? { objects, objectMiB, partMiB: 5, queueSize: 4, concurrentObjects: 4 } : undefined,
  units: { smallPut: "rate PUT/s, cpu ms per PUT", streamed: "rate MiB/s, cpu s in all" },
  results: Object.fromEntries(cases.map((c) => [c.name, []])),
};
try {
  for (let run = 0; run < runs; run += 1) {
    const order = run % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      const result = await c.measure(run);
      report.results[c.name].push(result);
      console.error(`round ${run + 1} ${c.name}: ${JSON.stringify(result)}`);
    }
    report.roundsDone = run + 1;
    save();
  }
} finally {
  save(true);
  await deleteBucket(url).catch((error) => console.error(`could not delete ${bucket}: ${error.message}`));
}
