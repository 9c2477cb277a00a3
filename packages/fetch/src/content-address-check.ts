// Proves a content-addressed path's contents match its `CA:` claim, so a CA path accepted without a signature is
// still exactly what its store path promises: recursive CA hashes the NAR, flat/text CA hash the single file.

import { createReadStream } from "node:fs";
import { lstat } from "node:fs/promises";
import { HashSink, formatContentAddress, formatHash, type NarInfo } from "@narwhal/store-path";
import { FetchError } from "./errors.js";

/** Watches a NAR stream (recursive CA) and checks a restored path (flat and text CA) against the narinfo's CA. */
export class ContentAddressCheck {
  readonly #info: NarInfo;
  readonly #narSink: HashSink | undefined;

  constructor(info: NarInfo) {
    this.#info = info;
    this.#narSink = info.ca?.method === "recursive" ? new HashSink(info.ca.hash.algorithm) : undefined;
  }

  /** Passes the NAR through, hashing it when the CA is recursive. */
  async *observe(nar: AsyncIterable<Buffer>): AsyncGenerator<Buffer, void, undefined> {
    const sink = this.#narSink;
    for await (const chunk of nar) {
      sink?.update(chunk);
      yield chunk;
    }
  }

  /** Call once the NAR was fully read and restored at `restoredPath`. */
  async verify(restoredPath: string): Promise<void> {
    const ca = this.#info.ca;
    if (ca === undefined) return;
    let actual;
    if (this.#narSink !== undefined) {
      actual = this.#narSink.finish().hash;
    } else {
      const stat = await lstat(restoredPath);
      if (!stat.isFile()) this.#fail(`a ${ca.method} content address needs a single regular file, the NAR holds a ${stat.isDirectory() ? "directory" : "symlink"}`);
      const sink = new HashSink(ca.hash.algorithm);
      for await (const chunk of createReadStream(restoredPath)) sink.update(chunk as Buffer);
      actual = sink.finish().hash;
    }
    if (!actual.equals(ca.hash)) this.#fail(`the contents hash to ${formatHash(actual)}`);
  }

  #fail(rule: string): never {
    const path = this.#info.storePath.path;
    throw new FetchError("CONTENT_ADDRESS_MISMATCH", path, `${path} claims content address ${formatContentAddress(this.#info.ca!)}, but ${rule}`);
  }
}
