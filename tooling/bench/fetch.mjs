// Fetch throughput of a closure (1 GiB of NAR by default, times BENCH_FETCH_SCALE) from a cache served over HTTP
// (an RGW public bucket; S3_ENDPOINT required): narwhal's verified closure copy into a chroot store, vs real Nix
// `nix copy --from http://…` and vs the raw `curl | zstd -d | nix-store --restore` pipeline, in the same run.
// Writes bench-results/fetch.{json,md}. Numbers only; nothing is asserted.
import { spawnSync } from "node:child_process";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { copyClosureToLocalStore } from "@narwhal/fetch";
import { openLocalStoreRegistry } from "@narwhal/local-store";
import { dumpPath } from "@narwhal/nar";
import { deleteBucket, ensureBucket, setPublicReadPolicy } from "@narwhal/s3";
import { TrustedKeys, formatPublicKey, formatSecretKey, generateSecretKey, toPublicKey } from "@narwhal/signing";
import { BinaryCacheStore } from "@narwhal/store";
import { hashBytes, makeStorePath, parseHash } from "@narwhal/store-path";

// The AWS SDK notice that its future releases need Node >= 22 is noise in benchmark output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../..", import.meta.url));
const endpoint = process.env.S3_ENDPOINT;
if (!endpoint) {
  console.error(
    "fetch.mjs: S3_ENDPOINT is required (the closure is served from an RGW public bucket over HTTP); skipping",
  );
  process.exit(process.env.CI ? 1 : 0);
}
const scale = Number(process.env.BENCH_FETCH_SCALE ?? 1);
const jobs = Number(process.env.BENCH_FETCH_JOBS ?? 4);
const totalBytes = Math.round(1024 ** 3 * scale);
const PATHS = 16;
const FILES_PER_PATH = 4;
const work = mkdtempSync(join(tmpdir(), "narwhal-bench-fetch-"));
const bucket = `narwhal-bench-fetch-${randomBytes(4).toString("hex")}`;
const s3Url = (...settings) => `s3://${bucket}?${[`endpoint=${encodeURIComponent(endpoint)}`, ...settings].join("&")}`;
const httpUrl = `${endpoint.replace(/\/$/, "")}/${bucket}`;

/** Deterministic, half-compressible bytes: AES-CTR keystream blocks interleaved with a repeated text block. */
function contents(seed, size) {
  const cipher = createCipheriv("aes-128-ctr", createHash("md5").update(seed).digest(), Buffer.alloc(16));
  const text = Buffer.from(`narwhal fetch benchmark ${seed} `.repeat(4096)).subarray(0, 65536);
  const out = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += 131072) {
    cipher.update(Buffer.alloc(65536)).copy(out, offset);
    text.copy(out, offset + 65536);
  }
  return out;
}

async function narHashOf(dir) {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of dumpPath(dir)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { narHash: parseHash(`sha256:${hash.digest("hex")}`), narSize: size };
}

function run(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main() {
  const secret = generateSecretKey("narwhal-bench-fetch-1");
  const publicKey = formatPublicKey(toPublicKey(secret));
  writeFileSync(join(work, "secret.key"), formatSecretKey(secret));
  await ensureBucket(s3Url());
  await setPublicReadPolicy(s3Url());
  try {
    // 1. the closure: PATHS data paths and one small root referring to all of them, uploaded by narwhal (zstd)
    const writer = await BinaryCacheStore.open(s3Url("compression=zstd", `secret-key=${join(work, "secret.key")}`), {
      trustedPublicKeys: TrustedKeys.from(publicKey),
    });
    const fileSize = Math.max(131072, Math.floor(totalBytes / PATHS / FILES_PER_PATH / 131072) * 131072);
    const dataPaths = [];
    const uploadStart = process.hrtime.bigint();
    for (let p = 0; p < PATHS; p++) {
      const dir = join(work, "src", `data-${p}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < FILES_PER_PATH; f++)
        writeFileSync(join(dir, `file-${f}`), contents(`${bucket}-${p}-${f}`, fileSize));
      const storePath = makeStorePath("output:out", hashBytes("sha256", `${bucket}-${p}`), `bench-data-${p}`);
      await writer.addToStore({ info: { storePath, ...(await narHashOf(dir)), references: [] }, nar: dumpPath(dir) });
      dataPaths.push(storePath);
      rmSync(dir, { recursive: true, force: true });
    }
    const rootDir = join(work, "src", "root");
    mkdirSync(rootDir, { recursive: true });
    writeFileSync(join(rootDir, "refs"), dataPaths.map((path) => path.path).join("\n"));
    const rootPath = makeStorePath("output:out", hashBytes("sha256", `${bucket}-root`), "bench-root");
    await writer.addToStore({
      info: { storePath: rootPath, ...(await narHashOf(rootDir)), references: dataPaths },
      nar: dumpPath(rootDir),
    });
    const uploadSeconds = Number(process.hrtime.bigint() - uploadStart) / 1e9;
    const infos = [];
    const reader = await BinaryCacheStore.open(httpUrl, {
      trustedPublicKeys: TrustedKeys.from(publicKey),
      createCacheInfo: false,
    });
    for (const path of [...dataPaths, rootPath]) infos.push(await reader.queryPathInfo(path));
    const narBytes = infos.reduce((sum, info) => sum + info.narSize, 0);
    const fileBytes = infos.reduce((sum, info) => sum + (info.fileSize ?? 0), 0);

    // 2. narwhal: verified closure copy into a chroot store, over HTTP
    const narwhalRoot = join(work, "narwhal-root");
    const store = await BinaryCacheStore.open(httpUrl, {
      trustedPublicKeys: TrustedKeys.from(publicKey),
      createCacheInfo: false,
    });
    const registry = openLocalStoreRegistry(`local?root=${narwhalRoot}`);
    let start = process.hrtime.bigint();
    const result = await copyClosureToLocalStore(store, registry, [rootPath], { jobs });
    const narwhalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    registry.close();
    if (result.failed.length > 0) throw result.failed[0].error;
    rmSync(narwhalRoot, { recursive: true, force: true });

    // 3. real Nix 2.8: nix copy --from http://… into a chroot store
    const nixRoot = join(work, "nix-root");
    const nixSeconds = run(
      "nix",
      [
        "--extra-experimental-features",
        "nix-command",
        "copy",
        "--from",
        httpUrl,
        "--to",
        `local?root=${nixRoot}`,
        "--option",
        "trusted-public-keys",
        publicKey,
        "--option",
        "substituters",
        "",
        rootPath.path,
      ],
      { env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(work, "xdg-")) } },
    );
    rmSync(nixRoot, { recursive: true, force: true });

    // 4. raw pipeline, one path after another: curl | zstd -d | nix-store --restore (no verification at all)
    const rawDir = join(work, "raw");
    mkdirSync(rawDir);
    start = process.hrtime.bigint();
    for (const info of infos) {
      run("sh", [
        "-c",
        `curl -sf "$1" | zstd -dc | nix-store --restore "$2"`,
        "sh",
        `${httpUrl}/${info.url}`,
        join(rawDir, info.storePath.baseName),
      ]);
    }
    const rawSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    rmSync(rawDir, { recursive: true, force: true });

    const mib = (seconds) => narBytes / 1024 / 1024 / seconds;
    const report = {
      date: new Date().toISOString(),
      cache: "RGW public bucket over HTTP, zstd NARs written by narwhal",
      paths: infos.length,
      narBytes,
      fileBytes,
      jobs,
      uploadSeconds,
      narwhal: { seconds: narwhalSeconds, narMiBps: mib(narwhalSeconds) },
      nix: { seconds: nixSeconds, narMiBps: mib(nixSeconds) },
      rawPipeline: { seconds: rawSeconds, narMiBps: mib(rawSeconds) },
      ratioVsRaw: rawSeconds / narwhalSeconds,
      ratioVsNix: nixSeconds / narwhalSeconds,
    };
    mkdirSync(join(root, "bench-results"), { recursive: true });
    writeFileSync(join(root, "bench-results", "fetch.json"), `${JSON.stringify(report, null, 2)}\n`);
    const md = [
      "# Fetch throughput (closure over HTTP into a chroot store)",
      "",
      `${infos.length} paths, ${(narBytes / 1024 ** 2).toFixed(0)} MiB of NAR (${(fileBytes / 1024 ** 2).toFixed(0)} MiB zstd), narwhal --jobs ${jobs}; ${report.date}`,
      "",
      "| tool | seconds | NAR MiB/s | narwhal speed-up |",
      "|---|---|---|---|",
      `| narwhal (verified: sigs, FileHash, NarHash, registered) | ${narwhalSeconds.toFixed(2)} | ${mib(narwhalSeconds).toFixed(0)} | 1.00× |`,
      `| nix copy --from http (Nix 2.8) | ${nixSeconds.toFixed(2)} | ${mib(nixSeconds).toFixed(0)} | ${report.ratioVsNix.toFixed(2)}× |`,
      `| curl \\| zstd -d \\| nix-store --restore (sequential, unverified) | ${rawSeconds.toFixed(2)} | ${mib(rawSeconds).toFixed(0)} | ${report.ratioVsRaw.toFixed(2)}× |`,
      "",
      "Target: narwhal ≥ 0.8× the raw pipeline's throughput (speed-up column ≥ 0.80 on the raw row).",
      "",
    ].join("\n");
    writeFileSync(join(root, "bench-results", "fetch.md"), md);
    process.stdout.write(md);
  } finally {
    await deleteBucket(s3Url()).catch((error) => console.error(`could not delete bucket ${bucket}: ${error.message}`));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
