// File-system helpers of the transport tests: node:fs/promises plus mkfifo (through the coreutils command).

import { execFileSync } from "node:child_process";

export { mkdir, readFile, symlink, writeFile } from "node:fs/promises";

export async function mkfifo(path: string): Promise<void> {
  execFileSync("mkfifo", [path]);
}
