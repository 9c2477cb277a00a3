// Proves, while a NAR streams past, that a content-addressed path's contents match its `CA:` claim (what lets an
// unsigned CA path be trusted at all): recursive CA hashes the NAR, flat and text CA the single regular file in it,
// git CA the git object (blob or tree) the NAR's root is.

import { gitTreeHashOfNar, parseNar, type GitHashAlgorithm } from "@narwhal/nar";
import {
  Hash,
  HashSink,
  formatContentAddress,
  formatHash,
  type ContentAddress,
  type NarInfo,
} from "@narwhal/store-path";
import { StoreError } from "./errors.js";
import { NarInspector } from "./nar-inspector.js";

export class ContentAddressProof {
  /** The proof a NAR of this narinfo must pass, or undefined when it has no CA or NarHash already proves it. */
  static needed(info: NarInfo): ContentAddressProof | undefined {
    const ca = info.ca;
    if (ca === undefined) return undefined;
    if (ca.method === "recursive" && ca.hash.equals(info.narHash)) return undefined; // the NarHash check is this check
    return new ContentAddressProof(info as NarInfo & { ca: ContentAddress });
  }

  readonly #info: NarInfo;
  readonly #ca: ContentAddress;
  readonly #narSink: HashSink | undefined;
  readonly #fileHash: NarInspector<Hash | string> | undefined;

  constructor(info: NarInfo & { ca: ContentAddress }) {
    this.#info = info;
    this.#ca = info.ca;
    if (info.ca.method === "recursive") {
      this.#narSink = new HashSink(info.ca.hash.algorithm);
    } else if (info.ca.method === "git") {
      const algorithm = info.ca.hash.algorithm as GitHashAlgorithm; // parseContentAddress allows sha1 and sha256 only
      this.#fileHash = new NarInspector((chunks) =>
        gitTreeHashOfNar(chunks, algorithm).then((digest) => new Hash(algorithm, digest)),
      );
    } else {
      const algorithm = info.ca.hash.algorithm;
      this.#fileHash = new NarInspector((chunks) => rootFileHash(chunks, algorithm));
    }
  }

  /** Feeds the next NAR chunk (waits while the parser is behind). */
  async update(chunk: Buffer): Promise<void> {
    this.#narSink?.update(chunk);
    if (this.#fileHash !== undefined) await this.#fileHash.push(chunk).catch(() => undefined); // a bad NAR fails the NarHash check
  }

  /** Call once the whole NAR was fed and its NarHash checked; throws CONTENT_ADDRESS_MISMATCH. */
  async verify(where: string): Promise<void> {
    let actual: Hash | string;
    if (this.#narSink !== undefined) actual = this.#narSink.finish().hash;
    else actual = await this.#fileHash!.finish().catch((error: unknown) => `the NAR cannot be read (${String(error)})`);
    if (typeof actual === "string") this.#fail(where, actual);
    if (!actual.equals(this.#ca.hash)) this.#fail(where, `the contents hash to ${formatHash(actual)}`);
  }

  #fail(where: string, rule: string): never {
    const path = this.#info.storePath.path;
    throw new StoreError(
      "CONTENT_ADDRESS_MISMATCH",
      `${path} claims content address ${formatContentAddress(this.#ca)}, but ${rule} (${where})`,
    );
  }
}

/** The hash of the NAR's root regular file, or why the NAR cannot carry a flat/text content address. */
async function rootFileHash(chunks: AsyncIterable<Buffer>, algorithm: Hash["algorithm"]): Promise<Hash | string> {
  let result: Hash | string = "the NAR is empty";
  for await (const event of parseNar(chunks)) {
    if (event.segments.length > 0) continue;
    if (event.type !== "file") {
      result = `a flat or text content address needs a single regular file, the NAR holds a ${event.type}`;
      continue;
    }
    const sink = new HashSink(algorithm);
    for await (const piece of event.contents) sink.update(piece);
    result = sink.finish().hash;
  }
  return result;
}
