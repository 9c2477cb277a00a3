// Runs the built `narwhal` binary as a child process, as a user would, and captures its output.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const NARWHAL = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface RunResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs narwhal with `args`, feeding `input` on stdin, in this process's environment with `env` laid over it (a name
 * set to undefined is left out). The child gets `env` explicitly: replacing `process.env` in a test does not reach
 * child processes on Node.js 26.
 */
export function narwhal(
  args: string[],
  input?: Buffer | string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NARWHAL, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ status: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

export function hasNix(): boolean {
  return spawnSync("nix-store", ["--version"]).status === 0;
}

/** Runs a real-Nix command and returns stdout; throws with stderr on failure. */
export function nix(cmd: string, args: string[], input?: Buffer): Buffer {
  const r = spawnSync(cmd, args, {
    input,
    maxBuffer: 1 << 30,
    env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command" },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}
