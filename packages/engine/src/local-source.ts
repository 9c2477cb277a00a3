// A local Nix store as a copy source: metadata and closures from its SQLite database (read-only), NARs dumped
// from the filesystem. Opened from `local`, `local?root=DIR` or a bare absolute path.

import { LocalStoreError, openLocalStore, topoSort, type LocalPathInfo, type LocalStore } from "@narwhal/local-store";
import { parseContentAddress } from "@narwhal/store-path";
import { EngineError, messageOf } from "./errors.js";
import type { PathSource, SourcePathInfo } from "./path-source.js";

export class LocalStoreSource implements PathSource {
  readonly description: string;
  readonly #store: LocalStore;

  constructor(url: string) {
    this.description = url;
    this.#store = openLocalStore(url);
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
    return this.#store.narFromPath(info.storePath);
  }

  async close(): Promise<void> {
    this.#store.close();
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
