// Runs every narwhal benchmark in turn; each writes its own files under bench-results/.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const steps = [
  ["node", [`${here}nar-dump.mjs`]],
  ["node", [`${here}fetch.mjs`]],
  ["node", [`${here}s3-requests.mjs`]],
  ["node", [`${here}upload.mjs`]],
  ["pnpm", ["--silent", "--filter", "@narwhal/codec-bench", "--if-present", "run", "bench"]],
];
let failed = 0;
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
