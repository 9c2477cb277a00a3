// Runs every narwhal benchmark in turn; each writes its own files under bench-results/.
// Options are environment variables (README.md); BENCH_UPLOAD_SYNTHETIC=1 adds the synthetic upload.mjs.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const steps = [
  ["node", [`${here}nar-dump.mjs`]],
  ["node", [`${here}fetch.mjs`]],
  ["node", [`${here}s3-requests.mjs`]],
  ["node", [`${here}upload-closure.mjs`]],
  ["node", [`${here}startup.mjs`]],
  ["node", [`${here}consume-closure.mjs`]],
  // The synthetic upload bench (5,000 tiny paths, one 4 GiB NAR; half-random corpus) takes ~10 minutes: opt in.
  ...(process.env.BENCH_UPLOAD_SYNTHETIC === "1" ? [["node", [`${here}upload.mjs`]]] : []),
  ["pnpm", ["--silent", "--filter", "@narwhal/codec-bench", "--if-present", "run", "bench"]],
];
let failed = 0;
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
