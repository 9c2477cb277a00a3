// Restores a NAR at a target that must not exist, through a private temp directory beside it: the target only
// appears (by rename) after the stream ended without error and every extra check passed; on failure nothing stays.

import { lstat, mkdtemp, rename } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { restoreNar } from "@narwhal/nar";
import { FetchError } from "./errors.js";
import { removeTree } from "./remove-tree.js";

export interface RestoreBesideOptions {
  /** Runs on the restored tree (still in the temp directory) before it is moved; throw to refuse it. */
  readonly check?: (restoredPath: string) => Promise<void>;
  /** Called just before the rename; may wait (e.g. for references to be registered) or throw to abandon. */
  readonly beforeRename?: (target: string) => Promise<void>;
}

export async function assertTargetAbsent(target: string): Promise<void> {
  const exists = await lstat(target).then(() => true, (error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return false;
    throw error;
  });
  if (exists) throw new FetchError("TARGET_EXISTS", target, `refusing to restore into ${target}: it already exists (the target must not exist)`);
}

export async function restoreBeside(nar: AsyncIterable<Uint8Array>, target: string, options: RestoreBesideOptions = {}): Promise<void> {
  const absolute = resolve(target);
  await assertTargetAbsent(absolute);
  const temp = await mkdtemp(join(dirname(absolute), `.${basename(absolute)}.narwhal-`));
  try {
    const staged = join(temp, "path");
    await restoreNar(nar, staged);
    await options.check?.(staged);
    await options.beforeRename?.(absolute);
    await assertTargetAbsent(absolute);
    await rename(staged, absolute);
  } finally {
    await removeTree(temp);
  }
}
