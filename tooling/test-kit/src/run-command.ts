// Runs an external program with optional stdin bytes and collects its output; rejects with stderr on failure.
// Used to drive the real Nix tools in interop tests.

import { spawn } from "node:child_process";

export interface RunCommandOptions {
  /** Bytes written to the program's stdin (stdin is closed afterwards). */
  input?: Uint8Array;
  /** Extra environment variables, merged over process.env. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface CommandResult {
  stdout: Buffer;
  stderr: string;
}

/** Run `command args…`; resolves when it exits 0, rejects with its stderr otherwise. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => {
      // The program may exit without reading all of stdin; its exit status tells what happened.
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const errText = Buffer.concat(stderr).toString("utf8");
      if (code === 0) resolve({ stdout: Buffer.concat(stdout), stderr: errText });
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}): ${errText.trim()}`));
    });
    child.stdin.end(options.input === undefined ? undefined : Buffer.from(options.input));
  });
}
