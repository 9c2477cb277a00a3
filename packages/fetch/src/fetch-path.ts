// Fetches one store path from a binary cache into a directory: narinfo (signature-checked by the store), streamed
// NAR (FileSize/FileHash, NarSize/NarHash, decompression bounded by NarSize), CA proof, restore beside + rename.

import type { BinaryCacheStore } from "@narwhal/store";
import { narInfoFileFor, type NarInfo, type StorePath } from "@narwhal/store-path";
import { ContentAddressCheck } from "./content-address-check.js";
import { countBytes } from "./count-bytes.js";
import { FetchError } from "./errors.js";
import { restoreBeside } from "./restore-beside.js";

export interface FetchPathOptions {
  /** Called with the number of NAR bytes as they are unpacked. */
  readonly onNarBytes?: (bytes: number) => void;
  /** Runs after every check passed, just before the restored tree is renamed to the target. */
  readonly beforeRename?: (target: string) => Promise<void>;
  /** Runs on the restored tree in its temp location (after all checks), e.g. to canonicalise permissions. */
  readonly prepare?: (restoredPath: string) => Promise<void>;
}

export interface FetchedPath {
  readonly storePath: string;
  readonly target: string;
  readonly narSize: number;
  readonly fileSize: number | undefined;
  readonly compression: string;
}

/** The narinfo of a path, or FetchError PATH_NOT_IN_CACHE naming the path and the cache. */
export async function requirePathInfo(store: BinaryCacheStore, path: StorePath | string): Promise<NarInfo> {
  const storePath = store.parsePath(path);
  const info = await store.queryPathInfo(storePath);
  if (info === undefined) {
    throw new FetchError("PATH_NOT_IN_CACHE", storePath.path, `${storePath.path} is not in ${store.url} (no ${narInfoFileFor(storePath)})`);
  }
  return info;
}

/** Unpacks the path's contents at `target`, which must not exist; nothing is left there if any check fails. */
export async function fetchPath(store: BinaryCacheStore, path: StorePath | string | NarInfo, target: string, options: FetchPathOptions = {}): Promise<FetchedPath> {
  const info = typeof path === "string" || !("narHash" in path) ? await requirePathInfo(store, path) : path;
  const caCheck = new ContentAddressCheck(info);
  let nar: AsyncIterable<Buffer> = caCheck.observe(store.narFromPath(info));
  if (options.onNarBytes !== undefined) nar = countBytes(nar, options.onNarBytes);
  await restoreBeside(nar, target, {
    check: async (restored) => {
      await caCheck.verify(restored);
      await options.prepare?.(restored);
    },
    ...(options.beforeRename === undefined ? {} : { beforeRename: options.beforeRename }),
  });
  return { storePath: info.storePath.path, target, narSize: info.narSize, fileSize: info.fileSize, compression: info.compression };
}
