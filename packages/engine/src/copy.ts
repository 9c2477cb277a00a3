// The engine's entry points: copy() copies store paths (with their closure by default) from a local Nix store or a
// binary cache into a binary cache; storeAdd() adds a plain directory as a content-addressed path. Both open what
// they are given as URLs, run copyPaths (which holds the compression worker pools while it uploads) and close what
// they opened.

import { parseLocalStoreUrl } from "@narwhal/local-store";
import { BinaryCacheStore, type OpenStoreOptions } from "@narwhal/store";
import { formatHash } from "@narwhal/store-path";
import { BinaryCacheSource } from "./cache-source.js";
import type { CopySummary } from "./copy-events.js";
import { copyPaths, type CopyPathsOptions } from "./copy-paths.js";
import { DirectorySource } from "./directory-source.js";
import { EngineError } from "./errors.js";
import type { PathSource } from "./path-source.js";

export interface CopyRequest extends CopyPathsOptions {
  /** Destination binary cache: a store URL (`s3://…`, `file://…`) or an open store. */
  readonly to: string | BinaryCacheStore;
  /** Source: `local` (default), `local?root=DIR`, an absolute path, a binary cache URL, an open store or a PathSource. */
  readonly from?: string | BinaryCacheStore | PathSource;
  /** Full store paths to copy. */
  readonly paths: readonly string[];
  /** Copy the closure (default true, like `nix copy`). */
  readonly recursive?: boolean;
  /** How to open a binary-cache source (trusted keys, requireSigs). */
  readonly sourceOptions?: OpenStoreOptions;
  /** How to open the destination (S3 options); narinfo signatures are not required when reading it. */
  readonly destinationOptions?: OpenStoreOptions;
}

/** True for the URLs that name a local Nix store: `local`, `auto`, `local?root=DIR`, a filesystem path. */
export function isLocalStoreUrl(url: string): boolean {
  try {
    parseLocalStoreUrl(url);
    return true;
  } catch {
    return false;
  }
}

export async function copy(request: CopyRequest): Promise<CopySummary> {
  const opened: Array<() => Promise<void>> = [];
  try {
    const source = await openSource(request.from ?? "local", request.sourceOptions, opened);
    const destination = await openDestination(request.to, request.destinationOptions, opened);
    const infos = await source.resolve(request.paths, request.recursive ?? true);
    return await copyPaths(source, destination, infos, request);
  } finally {
    for (const close of opened.reverse()) await close();
  }
}

export interface StoreAddRequest extends Pick<CopyPathsOptions, "reporter" | "staleUploadAgeMs"> {
  /** The directory (or file) to add. */
  readonly path: string;
  /** Store path name (default: the base name of `path`). */
  readonly name?: string;
  readonly to: string | BinaryCacheStore;
  readonly destinationOptions?: OpenStoreOptions;
}

export interface StoreAddResult {
  /** The content-addressed store path, as `nix-store --add` would name it. */
  readonly storePath: string;
  /** `sha256:<nix32>` of the NAR. */
  readonly narHash: string;
  readonly narSize: number;
  /** False when the cache already had the path. */
  readonly added: boolean;
  readonly summary: CopySummary;
}

export async function storeAdd(request: StoreAddRequest): Promise<StoreAddResult> {
  const opened: Array<() => Promise<void>> = [];
  try {
    return await addDirectory(request, await openDestination(request.to, request.destinationOptions, opened));
  } finally {
    for (const close of opened.reverse()) await close();
  }
}

async function addDirectory(request: StoreAddRequest, destination: BinaryCacheStore): Promise<StoreAddResult> {
  const source = new DirectorySource(request.path, {
    ...(request.name === undefined ? {} : { name: request.name }),
    storeDir: destination.settings.store,
  });
  const info = await source.pathInfo();
  const summary = await copyPaths(source, destination, [info], { ...request, jobs: 1 });
  if (summary.failed.length > 0) {
    throw new EngineError(
      "BAD_SOURCE",
      source.description,
      `cannot add ${source.description} to ${destination.url}: ${summary.failed[0]!.error}`,
    );
  }
  return {
    storePath: info.storePath.path,
    narHash: formatHash(info.narHash, "nix32"),
    narSize: info.narSize,
    added: summary.copied.length > 0,
    summary,
  };
}

async function openSource(
  from: string | BinaryCacheStore | PathSource,
  options: OpenStoreOptions | undefined,
  opened: Array<() => Promise<void>>,
): Promise<PathSource> {
  if (from instanceof BinaryCacheStore) return new BinaryCacheSource(from);
  if (typeof from !== "string") return from;
  if (isLocalStoreUrl(from)) {
    const { LocalStoreSource } = await import("./local-source.js"); // loads SQLite only when a local store is read
    const source = new LocalStoreSource(from);
    opened.push(() => source.close());
    return source;
  }
  const store = await BinaryCacheStore.open(from, { createCacheInfo: false, ...options });
  opened.push(() => store.close());
  return new BinaryCacheSource(store);
}

/** A store passed in stays open (the caller owns it); one opened here from a URL is closed by the caller's `opened`. */
async function openDestination(
  to: string | BinaryCacheStore,
  options: OpenStoreOptions | undefined,
  opened: Array<() => Promise<void>>,
): Promise<BinaryCacheStore> {
  if (to instanceof BinaryCacheStore) return to;
  if (isLocalStoreUrl(to)) {
    throw new EngineError(
      "BAD_OPTIONS",
      to,
      `cannot copy to ${JSON.stringify(to)}: the engine writes binary caches (s3://, file://); copying into a local Nix store is a separate command path`,
    );
  }
  const store = await BinaryCacheStore.open(to, { requireSigs: false, ...options });
  opened.push(() => store.close());
  return store;
}
