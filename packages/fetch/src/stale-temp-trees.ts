// Removes temp trees an interrupted narwhal left in a directory (killed before it could clean up, e.g. SIGKILL):
// entries named by temp-names.ts whose creating process no longer runs. Trees of live processes are left alone.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { removeTree } from "./remove-tree.js";
import { TEMP_TREE_MARKER, tempTreeOwner } from "./temp-names.js";

/** Removes `.narwhal-<pid>-…` directories in `dir` whose pid is not a running process; returns their names. */
export async function removeStaleTempTrees(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.name.startsWith(TEMP_TREE_MARKER) || !entry.isDirectory()) continue;
    const owner = tempTreeOwner(entry.name);
    if (owner === undefined || owner === process.pid || isRunning(owner)) continue;
    await removeTree(join(dir, entry.name));
    removed.push(entry.name);
  }
  return removed;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything; EPERM means it exists). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
