// Copies store paths (and by default their closures) from a binary cache into a local Nix store: each path is
// fetched and verified in parallel, canonicalised, then moved into place and registered in one step once its
// references are. A failure or an abort leaves nothing of the unfinished paths behind.

import pLimit from "p-limit";
import { lstat } from "node:fs/promises";
import { topoSort, type LocalStoreRegistry } from "@narwhal/local-store";
import type { BinaryCacheStore } from "@narwhal/store";
import { compareStorePaths, formatContentAddress, type NarInfo, type StorePath } from "@narwhal/store-path";
import { abortError, isAbortError, raceAbort, throwIfAborted } from "./abortable.js";
import { STORE_METADATA } from "./canonicalise.js";
import { FetchError, messageOf } from "./errors.js";
import { fetchPath, requirePathInfo, type FetchedPath } from "./fetch-path.js";
import { moveIntoStoreAndRegister } from "./move-into-store.js";
import { queryClosure } from "./query-closure.js";
import { removeTree } from "./remove-tree.js";
import { slotsFor, workersFor, type RestoreWorkers } from "./restore-workers.js";
import { removeStaleTempTrees } from "./stale-temp-trees.js";

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
  /** Largest `.drv` accepted, in bytes (default MAX_DERIVATION_SIZE, 64 MiB). */
  readonly maxDerivationSize?: number;
  /**
   * Stops the copy: no new path starts, in-flight restores stop and their temp trees are removed, and the call
   * rejects with FetchError ABORTED once they have. Paths already registered stay (they are complete and valid).
   */
  readonly signal?: AbortSignal;
  /**
   * Fetch each path in these worker threads (opened on the same cache as `store`) instead of on this thread,
   * when there is more than one.
   */
  readonly workers?: RestoreWorkers;
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
  const { signal } = options;
  const into = `copying into ${registry.realStoreDir}`;
  throwIfAborted(signal, registry.realStoreDir, into);
  const rootPaths = roots.map((root) => store.parsePath(root));
  await removeStaleTempTrees(registry.realStoreDir);
  const alreadyValid = rootPaths.filter((path) => registry.isValidPath(path)).map((path) => path.path);
  const infos = await raceAbort(
    options.recursive === false
      ? directPaths(store, registry, rootPaths)
      : queryClosure(store, rootPaths, {
          jobs: 16,
          skip: (path) => registry.isValidPath(path),
          ...(signal === undefined ? {} : { signal }),
        }),
    signal,
    registry.realStoreDir,
    into,
  );
  const workers = workersFor(options.workers, infos.length);
  const limit = pLimit(slotsFor(workers, options.jobs ?? 4));
  const progress = {
    pathsDone: 0,
    pathsTotal: infos.length,
    narBytesDone: 0,
    narBytesTotal: infos.reduce((sum, info) => sum + info.narSize, 0),
  };
  const report = (): void => options.onProgress?.({ ...progress });
  const done = new Map<string, Promise<void>>();
  const copied: FetchedPath[] = [];
  const failed: CopyFailure[] = [];
  const skipped: string[] = [];
  let stop = false;

  const copyOne = async (info: NarInfo): Promise<void> => {
    const path = info.storePath.path;
    const references = info.references
      .filter((reference) => reference.path !== path)
      .map((reference) => done.get(reference.path));
    await limit(async () => {
      throwIfAborted(signal, path, `copying ${path}`);
      if (stop) {
        skipped.push(path);
        throw new FetchError("DEPENDENCY_FAILED", path, `${path} was not copied: an earlier path failed`);
      }
      const target = registry.realPath(info.storePath);
      await removeStale(target, registry, info.storePath);
      const fetchOne = workers === undefined ? fetchPath.bind(undefined, store) : workers.fetchPath.bind(workers);
      const fetched = await fetchOne(info, target, {
        onNarBytes: (bytes) => {
          progress.narBytesDone += bytes;
          report();
        },
        storeMetadata: STORE_METADATA,
        beforeRename: async () => {
          try {
            await Promise.all(references);
          } catch (error) {
            if (isAbortError(error)) throw error;
            throw new FetchError(
              "DEPENDENCY_FAILED",
              path,
              `${path} was not copied: a path it refers to failed (${messageOf(error)})`,
              { cause: error },
            );
          }
        },
        moveIntoPlace: async (staged, to, derivation) => {
          moveIntoStoreAndRegister(
            registry,
            {
              storePath: info.storePath,
              narHash: info.narHash,
              narSize: info.narSize,
              references: info.references,
              deriver: info.deriver,
              sigs: info.sigs,
              ca: info.ca === undefined ? undefined : formatContentAddress(info.ca),
              derivation,
            },
            staged,
            to,
          );
        },
        ...(options.maxDerivationSize === undefined ? {} : { maxDerivationSize: options.maxDerivationSize }),
        ...(signal === undefined ? {} : { signal }),
      });
      copied.push(fetched);
      progress.pathsDone++;
      report();
    }).catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (isAbortError(failure)) throw failure; // reported once, by the whole call
      if (!(failure instanceof FetchError && failure.code === "DEPENDENCY_FAILED")) {
        stop = true;
        failed.push({ storePath: path, error: failure });
      } else if (!skipped.includes(path)) {
        skipped.push(path);
      }
      throw failure;
    });
  };

  // Started largest first, as far as references first allows (a path holds its slot while it waits for them).
  for (const info of topoSort(infos, largestFirst)) {
    const promise = copyOne(info);
    promise.catch(() => undefined);
    done.set(info.storePath.path, promise);
  }
  await Promise.allSettled(done.values());
  if (signal?.aborted === true) {
    const stopped = abortError(signal, registry.realStoreDir, into);
    throw new FetchError(
      "ABORTED",
      registry.realStoreDir,
      `${stopped.message} after ${copied.length} of ${infos.length} paths; the unfinished ones were removed`,
      { cause: signal.reason },
    );
  }
  return { copied, alreadyValid, failed, skipped };
}

function largestFirst(a: NarInfo, b: NarInfo): number {
  return b.narSize - a.narSize || compareStorePaths(a.storePath, b.storePath);
}

/** Without --recursive: the requested paths only, each of whose references must be valid locally or requested. */
async function directPaths(
  store: BinaryCacheStore,
  registry: LocalStoreRegistry,
  roots: StorePath[],
): Promise<NarInfo[]> {
  const wanted = roots.filter((path) => !registry.isValidPath(path));
  const infos = await Promise.all(wanted.map((path) => requirePathInfo(store, path)));
  const requested = new Set(infos.map((info) => info.storePath.path));
  for (const info of infos) {
    for (const reference of info.references) {
      if (!requested.has(reference.path) && !registry.isValidPath(reference)) {
        throw new FetchError(
          "REFERENCE_NOT_VALID",
          reference.path,
          `cannot copy ${info.storePath.path} without its closure: its reference ${reference.path} is not valid in the local store ${registry.databaseFile}`,
        );
      }
    }
  }
  return topoSort(infos);
}

/** A leftover at the target of a path the database does not list is garbage (an interrupted copy); Nix deletes it too. */
async function removeStale(target: string, registry: LocalStoreRegistry, path: StorePath): Promise<void> {
  const exists = await lstat(target).then(
    () => true,
    () => false,
  );
  if (exists && !registry.isValidPath(path)) await removeTree(target);
}
