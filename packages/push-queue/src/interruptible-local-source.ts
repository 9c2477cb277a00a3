// The local Nix store as the pusher's copy source, with one thing the engine's own local source has not: an
// AbortSignal that ends every NAR stream still being read, so the engine aborts those uploads (no narinfo, no
// half-made object) and the copy returns at once.

import { EngineError, type PathSource, type SourcePathInfo } from "@narwhal/engine";
import { LocalStoreError, type LocalPathInfo, type LocalStore } from "@narwhal/local-store";
import { parseContentAddress } from "@narwhal/store-path";
import { messageOf } from "./errors.js";

export class InterruptibleLocalSource implements PathSource {
  readonly description: string;
  readonly #store: LocalStore;
  readonly #signal: AbortSignal;

  /** `store` stays open: whoever opened it closes it. */
  constructor(store: LocalStore, description: string, signal: AbortSignal) {
    this.#store = store;
    this.description = description;
    this.#signal = signal;
  }

  get storeDir(): string {
    return this.#store.storeDir;
  }

  async resolve(paths: readonly string[], recursive: boolean): Promise<SourcePathInfo[]> {
    if (!recursive) throw new EngineError("BAD_OPTIONS", this.description, "the pusher always copies whole closures");
    try {
      return this.#store.computeClosure(paths).map((info) => toSourceInfo(info, this.description));
    } catch (error) {
      if (
        error instanceof LocalStoreError &&
        (error.code === "LOCAL_STORE_PATH_NOT_VALID" || error.code === "LOCAL_STORE_BAD_PATH")
      ) {
        throw new EngineError(
          "PATH_NOT_IN_SOURCE",
          error.input,
          `cannot push from ${this.description}: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  nar(info: SourcePathInfo): AsyncIterable<Uint8Array> {
    return untilAborted(() => this.#store.narFromPath(info.storePath), this.#signal);
  }

  async close(): Promise<void> {}
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
    wellFormed: true, // narFromPath dumps the path with @narwhal/nar's serializer
  };
}
