// Restores a NAR at a target that must not exist, through a private temp directory beside it: the target only
// appears (by rename) after the stream ended without error and the caller's last checks passed; on failure nothing stays.

import { lstat, mkdtemp, rename } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { restoreNar, type StoreMetadata } from "@narwhal/nar";
import { abortable, raceAbort, throwIfAborted } from "./abortable.js";
import { FetchError } from "./errors.js";
import { removeTree } from "./remove-tree.js";
import { tempTreePrefix } from "./temp-names.js";

export interface RestoreBesideOptions {
  /** Passed to restoreNar: the tree gets a store path's modes and modification times as it is restored. */
  readonly storeMetadata?: StoreMetadata;
  /** Called just before the rename; may wait (e.g. for references to be registered) or throw to abandon. */
  readonly beforeRename?: (target: string) => Promise<void>;
  /**
   * Replaces the final rename: must move `staged` to `target` or throw (leaving `staged` where it is, which is then
   * removed with the temp directory). E.g. rename and register in one database transaction.
   */
  readonly moveIntoPlace?: (staged: string, target: string) => Promise<void>;
  /** Stops the restore: a pending read gives up, the temp tree is removed, and the call rejects with ABORTED. */
  readonly signal?: AbortSignal;
}

export async function assertTargetAbsent(target: string): Promise<void> {
  const exists = await lstat(target).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
  if (exists) throw targetExists(target);
}

export function targetExists(target: string): FetchError {
  return new FetchError(
    "TARGET_EXISTS",
    target,
    `refusing to restore into ${target}: it already exists (the target must not exist)`,
  );
}

export async function restoreBeside(
  nar: AsyncIterable<Uint8Array>,
  target: string,
  options: RestoreBesideOptions = {},
): Promise<void> {
  const absolute = resolve(target);
  const { signal } = options;
  const what = `restoring into ${absolute}`;
  throwIfAborted(signal, absolute, what);
  await assertTargetAbsent(absolute);
  const temp = await mkdtemp(join(dirname(absolute), tempTreePrefix(basename(absolute)))).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    throw new FetchError(
      "TARGET_PARENT_MISSING",
      absolute,
      `cannot restore into ${absolute}: its parent ${dirname(absolute)} is not an existing directory (the target is created, its parent must exist)`,
    );
  });
  try {
    const staged = join(temp, "path");
    await restoreNar(
      abortable(nar, signal, absolute, what),
      staged,
      options.storeMetadata === undefined ? {} : { storeMetadata: options.storeMetadata },
    );
    throwIfAborted(signal, absolute, what);
    if (options.beforeRename !== undefined) await raceAbort(options.beforeRename(absolute), signal, absolute, what);
    throwIfAborted(signal, absolute, what);
    if (options.moveIntoPlace !== undefined) {
      await options.moveIntoPlace(staged, absolute);
    } else {
      await assertTargetAbsent(absolute);
      await rename(staged, absolute);
    }
  } finally {
    await removeTree(temp);
  }
}
