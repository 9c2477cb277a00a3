// Fetches one store path from a binary cache into a directory: narinfo (signature-checked by the store), streamed
// NAR (the store checks FileSize/FileHash, NarSize/NarHash and the CA before its last chunk), restore beside + rename.

import type { StoreMetadata } from "@narwhal/nar";
import type { BinaryCacheStore } from "@narwhal/store";
import { narInfoFileFor, type NarInfo, type StorePath } from "@narwhal/store-path";
import { fetchAborted, isAbortError, raceAbort, throwIfAborted } from "./abortable.js";
import { countBytes } from "./count-bytes.js";
import { DerivationCapture, isDerivationPath } from "./derivation-capture.js";
import { FetchError } from "./errors.js";
import { restoreBeside } from "./restore-beside.js";

export interface FetchPathOptions {
  /** Called with the number of NAR bytes as they are unpacked. */
  readonly onNarBytes?: (bytes: number) => void;
  /** Runs after every check passed, just before the restored tree is renamed to the target. */
  readonly beforeRename?: (target: string) => Promise<void>;
  /** Restore with a store path's modes and modification times (see StoreMetadata in @narwhal/nar). */
  readonly storeMetadata?: StoreMetadata;
  /**
   * Replaces the final rename (see RestoreBesideOptions.moveIntoPlace); `derivation` is a `.drv` path's text,
   * taken from the verified NAR.
   */
  readonly moveIntoPlace?: (staged: string, target: string, derivation: string | undefined) => Promise<void>;
  /** Largest `.drv` accepted, in bytes (default MAX_DERIVATION_SIZE, 64 MiB). */
  readonly maxDerivationSize?: number;
  /** Stops the fetch: the temp tree is removed and the call rejects with FetchError ABORTED. */
  readonly signal?: AbortSignal;
}

export interface FetchedPath {
  readonly storePath: string;
  readonly target: string;
  readonly narSize: number;
  readonly fileSize: number | undefined;
  readonly compression: string;
  /** A `.drv` path's text, read from its verified NAR (a `.drv`'s NAR must be a single regular file). */
  readonly derivation?: string;
}

/** The narinfo of a path, or FetchError PATH_NOT_IN_CACHE naming the path and the cache. */
export async function requirePathInfo(store: BinaryCacheStore, path: StorePath | string): Promise<NarInfo> {
  const storePath = store.parsePath(path);
  const info = await store.queryPathInfo(storePath);
  if (info === undefined) {
    throw new FetchError(
      "PATH_NOT_IN_CACHE",
      storePath.path,
      `${storePath.path} is not in ${store.url} (no ${narInfoFileFor(storePath)})`,
    );
  }
  return info;
}

/**
 * Unpacks the path's contents at `target`, which must not exist; nothing is left there if any check fails. A
 * `.drv` path's NAR must be a single regular file (DERIVATION_NOT_A_FILE, DERIVATION_TOO_LARGE otherwise).
 */
export async function fetchPath(
  store: BinaryCacheStore,
  path: StorePath | string | NarInfo,
  target: string,
  options: FetchPathOptions = {},
): Promise<FetchedPath> {
  const { signal } = options;
  const name = typeof path === "string" ? path : "narHash" in path ? path.storePath.path : path.path;
  const what = `fetching ${name}`;
  throwIfAborted(signal, name, what);
  const info =
    typeof path === "string" || !("narHash" in path)
      ? await raceAbort(requirePathInfo(store, path), signal, name, what)
      : path;
  const storePath = info.storePath.path;
  const capture = isDerivationPath(storePath)
    ? new DerivationCapture(
        storePath,
        options.maxDerivationSize === undefined ? {} : { maxSize: options.maxDerivationSize },
      )
    : undefined;
  // Every check, CA included, before its last chunk. Each chunk is done with before the next is asked for (the
  // capture and the count copy or only look; restoreNar writes synchronously and copies the names it keeps), so the
  // decoder may reuse its memory.
  let nar: AsyncIterable<Buffer> = store.narFromPath(info, { reuseChunks: true });
  if (capture !== undefined) nar = capture.observe(nar);
  if (options.onNarBytes !== undefined) nar = countBytes(nar, options.onNarBytes);
  const moveIntoPlace = options.moveIntoPlace;
  try {
    await restoreBeside(nar, target, {
      ...(options.storeMetadata === undefined ? {} : { storeMetadata: options.storeMetadata }),
      ...(options.beforeRename === undefined ? {} : { beforeRename: options.beforeRename }),
      ...(moveIntoPlace === undefined
        ? {}
        : { moveIntoPlace: (staged: string, to: string) => moveIntoPlace(staged, to, capture?.text()) }),
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    if (isAbortError(error) && signal !== undefined)
      throw fetchAborted(signal, storePath, `${what} into ${target}`, error);
    throw error;
  }
  return {
    storePath,
    target,
    narSize: info.narSize,
    fileSize: info.fileSize,
    compression: info.compression,
    ...(capture === undefined ? {} : { derivation: capture.text() }),
  };
}
