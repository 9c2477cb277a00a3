// A plain directory (or file) as a content-addressed store path, like `nix-store --add`: the NAR is dumped once to
// hash it (path = fixed-output `source` path of the recursive SHA-256 NAR hash), and again when it is uploaded.
// The NAR serializer is loaded on first use, so importing the engine does not load it.

import { lstat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { DEFAULT_STORE_DIR, HashSink, makeFixedOutputPath } from "@narwhal/store-path";
import { EngineError, messageOf } from "./errors.js";
import type { PathSource, SourcePathInfo } from "./path-source.js";

export interface DirectorySourceOptions {
  /** The store path's name (default: the directory's base name, as nix-store --add uses). */
  readonly name?: string;
  readonly storeDir?: string;
}

export class DirectorySource implements PathSource {
  readonly description: string;
  readonly storeDir: string;
  readonly #dir: string;
  readonly #name: string;
  #info: SourcePathInfo | undefined;

  constructor(dir: string, options: DirectorySourceOptions = {}) {
    this.#dir = resolve(dir);
    this.description = this.#dir;
    this.storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
    this.#name = options.name ?? basename(this.#dir);
  }

  /** Hashes the directory's NAR and names its store path (computed once). */
  async pathInfo(): Promise<SourcePathInfo> {
    if (this.#info !== undefined) return this.#info;
    try {
      await lstat(this.#dir);
    } catch (error) {
      throw new EngineError("NOT_A_DIRECTORY", this.#dir, `cannot add ${this.#dir} to the store: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const sink = new HashSink("sha256");
    const { dumpPathInWorker } = await import("@narwhal/nar");
    await dumpPathInWorker(this.#dir, (chunk) => void sink.update(chunk)); // read on a worker while this thread hashes
    const { hash, size } = sink.finish();
    let storePath;
    try {
      storePath = makeFixedOutputPath({ method: "recursive", hash, name: this.#name, storeDir: this.storeDir });
    } catch (error) {
      throw new EngineError(
        "BAD_OPTIONS",
        this.#name,
        `cannot add ${this.#dir} as ${JSON.stringify(this.#name)}: ${messageOf(error)}`,
        { cause: error },
      );
    }
    // wellFormed: nar() dumps the directory with @narwhal/nar's serializer
    this.#info = {
      storePath,
      narHash: hash,
      narSize: size,
      references: [],
      ca: { method: "recursive", hash },
      wellFormed: true,
    };
    return this.#info;
  }

  async resolve(): Promise<SourcePathInfo[]> {
    return [await this.pathInfo()];
  }

  async *nar(): AsyncGenerator<Buffer, void, undefined> {
    const { dumpPath } = await import("@narwhal/nar");
    yield* dumpPath(this.#dir, { reuseBuffers: true }); // see PathSource.nar
  }

  async close(): Promise<void> {}
}
