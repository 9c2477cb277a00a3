// A local Nix store as a copy source: metadata and closures from its SQLite database (read-only), NARs dumped
// from the filesystem. Opened from `local`, `local?root=DIR` or a bare absolute path, or given an opened store
// (which its opener closes). An AbortSignal ends every NAR stream still being read, so the engine aborts those
// uploads (no narinfo, no half-made object) and the copy returns at once.

import { LocalStoreError, openLocalStore, topoSort, type LocalPathInfo, type LocalStore } from "@narwhal/local-store";
import { parseContentAddress } from "@narwhal/store-path";
import { EngineError, messageOf } from "./errors.js";
import type { PathSource, SourcePathInfo } from "./path-source.js";

export interface LocalStoreSourceOptions {
  /** Aborting it ends the NAR streams being read and refuses new ones. */
  readonly signal?: AbortSignal;
}

/** An opened local store to read from, with the name used in messages; it stays open when the source closes. */
export interface OpenedLocalStore {
  readonly store: LocalStore;
  readonly description: string;
}

export class LocalStoreSource implements PathSource {
  readonly description: string;
  readonly #store: LocalStore;
  readonly #ownsStore: boolean;
  readonly #signal: AbortSignal | undefined;

  constructor(from: string | OpenedLocalStore, options: LocalStoreSourceOptions = {}) {
    if (typeof from === "string") {
      this.description = from;
      this.#store = openLocalStore(from);
      this.#ownsStore = true;
    } else {
      this.description = from.description;
      this.#store = from.store;
      this.#ownsStore = false;
    }
    this.#signal = options.signal;
  }

  get storeDir(): string {
    return this.#store.storeDir;
  }

  async resolve(paths: readonly string[], recursive: boolean): Promise<SourcePathInfo[]> {
    try {
      const infos = recursive ? this.#store.computeClosure(paths) : topoSort(paths.map((path) => this.#infoOf(path)));
      return infos.map((info) => toSourceInfo(info, this.description));
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if (
        error instanceof LocalStoreError &&
        (error.code === "LOCAL_STORE_PATH_NOT_VALID" || error.code === "LOCAL_STORE_BAD_PATH")
      ) {
        throw new EngineError(
          "PATH_NOT_IN_SOURCE",
          error.input,
          `cannot copy from ${this.description}: ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  nar(info: SourcePathInfo): AsyncIterable<Uint8Array> {
    const signal = this.#signal;
    // reuseBuffers: a chunk is done with when the next is pulled (see PathSource.nar): no fresh memory per chunk.
    const dump = () => this.#store.narFromPath(info.storePath, { reuseBuffers: true });
    if (signal === undefined) return dump();
    return untilAborted(dump, signal);
  }

  async close(): Promise<void> {
    if (this.#ownsStore) this.#store.close();
  }

  #infoOf(path: string): LocalPathInfo {
    const info = this.#store.queryPathInfo(path);
    if (info === undefined) {
      throw new EngineError(
        "PATH_NOT_IN_SOURCE",
        path,
        `cannot copy ${path} from ${this.description}: it is not a valid path there`,
      );
    }
    return info;
  }
}

async function* untilAborted(open: () => AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  signal.throwIfAborted();
  for await (const chunk of open()) {
    signal.throwIfAborted();
    yield chunk;
  }
}

function toSourceInfo(info: LocalPathInfo, source: string): SourcePathInfo {
  let ca: SourcePathInfo["ca"];
  if (info.ca !== undefined) {
    try {
      ca = parseContentAddress(info.ca);
    } catch (error) {
      throw new EngineError(
        "BAD_SOURCE",
        info.storePath.path,
        `${info.storePath.path} in ${source} has an unreadable CA ${JSON.stringify(info.ca)}: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }
  return {
    storePath: info.storePath,
    narHash: info.narHash,
    narSize: info.narSize,
    references: info.references,
    ...(info.deriver === undefined ? {} : { deriver: info.deriver }),
    ...(ca === undefined ? {} : { ca }),
    sigs: info.sigs,
    wellFormed: true, // nar() dumps the path with @narwhal/nar's serializer
  };
}
