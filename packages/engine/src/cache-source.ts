// Another binary cache as a copy source: narinfos (signatures checked by the store's policy) give the metadata,
// the closure is walked with bounded concurrency, and NARs are read decompressed and verified.

import pLimit from "p-limit";
import type { BinaryCacheStore } from "@narwhal/store";
import { topoSort } from "@narwhal/local-store";
import type { NarInfo } from "@narwhal/store-path";
import { EngineError } from "./errors.js";
import type { PathSource, SourcePathInfo } from "./path-source.js";

const LOOKUPS_AT_ONCE = 16;

export class BinaryCacheSource implements PathSource {
  readonly #store: BinaryCacheStore;

  constructor(store: BinaryCacheStore) {
    this.#store = store;
  }

  get description(): string {
    return this.#store.url;
  }

  get storeDir(): string {
    return this.#store.settings.store;
  }

  async resolve(paths: readonly string[], recursive: boolean): Promise<SourcePathInfo[]> {
    const found = new Map<string, NarInfo>();
    let frontier = [...new Set(paths)];
    while (frontier.length > 0) {
      const infos = await pLimit(LOOKUPS_AT_ONCE).map(frontier, (path) => this.#infoOf(path));
      const next = new Set<string>();
      for (const info of infos) {
        found.set(info.storePath.path, info);
        if (!recursive) continue;
        for (const reference of info.references) if (!found.has(reference.path)) next.add(reference.path);
      }
      frontier = [...next].filter((path) => !found.has(path));
    }
    return topoSort([...found.values()]).map((info) => ({
      storePath: info.storePath,
      narHash: info.narHash,
      narSize: info.narSize,
      references: info.references,
      ...(info.deriver === undefined ? {} : { deriver: info.deriver }),
      ...(info.ca === undefined ? {} : { ca: info.ca }),
      ...(info.extraFields === undefined ? {} : { extraFields: info.extraFields }),
      sigs: info.sigs,
    }));
  }

  nar(info: SourcePathInfo): AsyncIterable<Uint8Array> {
    return this.#store.narFromPath(info.storePath);
  }

  async close(): Promise<void> {}

  async #infoOf(path: string): Promise<NarInfo> {
    const info = await this.#store.queryPathInfo(path);
    if (info === undefined)
      throw new EngineError(
        "PATH_NOT_IN_SOURCE",
        path,
        `cannot copy ${path} from ${this.#store.url}: the cache has no narinfo for it`,
      );
    return info;
  }
}
