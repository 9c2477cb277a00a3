// Copies store paths (and by default their closures) from a binary cache into a local Nix store: each path is
// fetched and verified in parallel, canonicalised, moved into place once its references are, then registered.

import { lstat } from "node:fs/promises";
import { topoSort, type LocalStoreRegistry } from "@narwhal/local-store";
import type { BinaryCacheStore } from "@narwhal/store";
import { formatContentAddress, type NarInfo, type StorePath } from "@narwhal/store-path";
import { canonicaliseStoreTree } from "./canonicalise.js";
import { FetchError, messageOf } from "./errors.js";
import { fetchPath, requirePathInfo, type FetchedPath } from "./fetch-path.js";
import { JobPool } from "./job-pool.js";
import { queryClosure } from "./query-closure.js";
import { removeTree } from "./remove-tree.js";

export interface CopyProgress {
  readonly pathsDone: number;
  readonly pathsTotal: number;
  readonly narBytesDone: number;
  readonly narBytesTotal: number;
}

export interface CopyToLocalStoreOptions {
  /** Paths downloaded at once (default 4). */
  readonly jobs?: number;
  /** Copy the closure (default true); otherwise every reference must already be valid in the local store. */
  readonly recursive?: boolean;
  readonly onProgress?: (progress: CopyProgress) => void;
}

export interface CopyFailure {
  readonly storePath: string;
  readonly error: Error;
}

export interface CopyToLocalStoreResult {
  readonly copied: FetchedPath[];
  /** Requested paths that were valid in the local store already. */
  readonly alreadyValid: string[];
  /** Paths that could not be copied (nothing of them is left in the store). */
  readonly failed: CopyFailure[];
  /** Paths not attempted because an earlier one failed. */
  readonly skipped: string[];
}

export async function copyClosureToLocalStore(
  store: BinaryCacheStore,
  registry: LocalStoreRegistry,
  roots: ReadonlyArray<StorePath | string>,
  options: CopyToLocalStoreOptions = {},
): Promise<CopyToLocalStoreResult> {
  const rootPaths = roots.map((root) => store.parsePath(root));
  const alreadyValid = rootPaths.filter((path) => registry.isValidPath(path)).map((path) => path.path);
  const infos = options.recursive === false
    ? await directPaths(store, registry, rootPaths)
    : await queryClosure(store, rootPaths, { jobs: 16, skip: (path) => registry.isValidPath(path) });
  const pool = new JobPool(options.jobs ?? 4);
  const progress = { pathsDone: 0, pathsTotal: infos.length, narBytesDone: 0, narBytesTotal: infos.reduce((sum, info) => sum + info.narSize, 0) };
  const report = (): void => options.onProgress?.({ ...progress });
  const done = new Map<string, Promise<void>>();
  const copied: FetchedPath[] = [];
  const failed: CopyFailure[] = [];
  const skipped: string[] = [];
  let stop = false;

  const copyOne = async (info: NarInfo): Promise<void> => {
    const path = info.storePath.path;
    const references = info.references.filter((reference) => reference.path !== path).map((reference) => done.get(reference.path));
    await pool.run(async () => {
      if (stop) {
        skipped.push(path);
        throw new FetchError("DEPENDENCY_FAILED", path, `${path} was not copied: an earlier path failed`);
      }
      const target = registry.realPath(info.storePath);
      await removeStale(target, registry, info.storePath);
      const fetched = await fetchPath(store, info, target, {
        onNarBytes: (bytes) => {
          progress.narBytesDone += bytes;
          report();
        },
        prepare: canonicaliseStoreTree,
        beforeRename: async () => {
          try {
            await Promise.all(references);
          } catch (error) {
            throw new FetchError("DEPENDENCY_FAILED", path, `${path} was not copied: a path it refers to failed (${messageOf(error)})`, { cause: error });
          }
        },
      });
      registry.registerValidPath({
        storePath: info.storePath,
        narHash: info.narHash,
        narSize: info.narSize,
        references: info.references,
        deriver: info.deriver,
        sigs: info.sigs,
        ca: info.ca === undefined ? undefined : formatContentAddress(info.ca),
      });
      copied.push(fetched);
      progress.pathsDone++;
      report();
    }).catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (!(failure instanceof FetchError && failure.code === "DEPENDENCY_FAILED")) {
        stop = true;
        failed.push({ storePath: path, error: failure });
      } else if (!skipped.includes(path)) {
        skipped.push(path);
      }
      throw failure;
    });
  };

  for (const info of infos) {
    const promise = copyOne(info);
    promise.catch(() => undefined);
    done.set(info.storePath.path, promise);
  }
  await Promise.allSettled(done.values());
  return { copied, alreadyValid, failed, skipped };
}

/** Without --recursive: the requested paths only, each of whose references must be valid locally or requested. */
async function directPaths(store: BinaryCacheStore, registry: LocalStoreRegistry, roots: StorePath[]): Promise<NarInfo[]> {
  const wanted = roots.filter((path) => !registry.isValidPath(path));
  const infos = await Promise.all(wanted.map((path) => requirePathInfo(store, path)));
  const requested = new Set(infos.map((info) => info.storePath.path));
  for (const info of infos) {
    for (const reference of info.references) {
      if (!requested.has(reference.path) && !registry.isValidPath(reference)) {
        throw new FetchError("REFERENCE_NOT_VALID", reference.path, `cannot copy ${info.storePath.path} without its closure: its reference ${reference.path} is not valid in the local store ${registry.databaseFile}`);
      }
    }
  }
  return topoSort(infos);
}

/** A leftover at the target of a path the database does not list is garbage (an interrupted copy); Nix deletes it too. */
async function removeStale(target: string, registry: LocalStoreRegistry, path: StorePath): Promise<void> {
  const exists = await lstat(target).then(() => true, () => false);
  if (exists && !registry.isValidPath(path)) await removeTree(target);
}
