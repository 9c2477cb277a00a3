// Captures a `.drv` path's text from its NAR while the NAR streams to the restore, so registration uses the verified
// bytes and never reads the store: the NAR must be a single regular file (else refused before any node is written).

import { NAR_MAGIC, NarToken, narToken } from "@narwhal/nar";
import { FetchError } from "./errors.js";

/**
 * The largest `.drv` accepted: 64 MiB. Nix's derivations are small (nixpkgs' largest are a few MiB, mostly
 * environment variables), so this only bounds the memory a hostile cache can make us hold for one path.
 */
export const MAX_DERIVATION_SIZE = 64 * 1024 * 1024;

const NODE_START = Buffer.concat([narToken(NAR_MAGIC), narToken(NarToken.open), narToken(NarToken.type)]);
const REGULAR = narToken(NarToken.regular);
const PLAIN_FILE = narToken(NarToken.contents);
const EXECUTABLE_FILE = Buffer.concat([narToken(NarToken.executable), narToken(""), narToken(NarToken.contents)]);
const NODE_TYPES = [NarToken.symlink, NarToken.directory].map((type) => ({ type, token: narToken(type) }));
/** The whole header of a single-file NAR, up to and including the u64 size, is never longer than this. */
const MAX_HEADER = NODE_START.length + REGULAR.length + EXECUTABLE_FILE.length + 8;

export interface DerivationCaptureOptions {
  /** Bytes (default MAX_DERIVATION_SIZE). */
  readonly maxSize?: number;
}

type Header = { kind: "more" } | { kind: "file"; length: number; size: number } | { kind: "refused"; holds: string };

/** True when a store path (base name or full path) names a derivation. */
export function isDerivationPath(path: string): boolean {
  return path.endsWith(".drv");
}

/** Watches one `.drv` path's NAR stream; `text()` gives the file's contents once the stream ended without error. */
export class DerivationCapture {
  readonly #path: string;
  readonly #maxSize: number;
  #header: Buffer = Buffer.alloc(0);
  #size = -1;
  readonly #parts: Buffer[] = [];
  #captured = 0;
  #complete = false;

  constructor(storePath: string, options: DerivationCaptureOptions = {}) {
    this.#path = storePath;
    this.#maxSize = options.maxSize ?? MAX_DERIVATION_SIZE;
  }

  /** Passes the NAR through, refusing it (before passing on the bytes that show it) unless it is one regular file. */
  async *observe(nar: AsyncIterable<Buffer>): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of nar) {
      this.#take(chunk);
      yield chunk;
    }
    if (this.#size < 0) this.#refuse("a NAR that ends before a regular file's header");
    if (this.#captured < this.#size) this.#refuse(`a file cut short: ${this.#captured} of its ${this.#size} bytes`);
    this.#complete = true;
  }

  /** The derivation's text (UTF-8), once the whole NAR went through `observe`. */
  text(): string {
    if (!this.#complete) throw new Error(`the NAR of ${this.#path} has not been read to its end`);
    return Buffer.concat(this.#parts).toString("utf8");
  }

  #take(chunk: Buffer): void {
    let contents = chunk;
    if (this.#size < 0) {
      this.#header = Buffer.concat([this.#header, chunk]);
      const header = readHeader(this.#header);
      if (header.kind === "refused") this.#refuse(header.holds);
      if (header.kind === "more") {
        if (this.#header.length >= MAX_HEADER) this.#refuse("a NAR that does not start like a regular file");
        return;
      }
      if (header.size > this.#maxSize) {
        throw new FetchError(
          "DERIVATION_TOO_LARGE",
          this.#path,
          `${this.#path} is a derivation (.drv) of ${header.size} bytes; derivations larger than ${this.#maxSize} bytes are refused`,
        );
      }
      this.#size = header.size;
      contents = this.#header.subarray(header.length);
      this.#header = Buffer.alloc(0);
    }
    const wanted = Math.min(contents.length, this.#size - this.#captured);
    if (wanted > 0) {
      this.#parts.push(Buffer.from(contents.subarray(0, wanted)));
      this.#captured += wanted;
    }
  }

  #refuse(holds: string): never {
    throw new FetchError(
      "DERIVATION_NOT_A_FILE",
      this.#path,
      `${this.#path} is a derivation (.drv), so its NAR must be a single regular file, but it holds ${holds}`,
    );
  }
}

/** Reads a single-file NAR's header from the first bytes of a NAR: how long it is and the file's size. */
function readHeader(bytes: Buffer): Header {
  const start = NODE_START.length;
  if (bytes.length < start)
    return NODE_START.subarray(0, bytes.length).equals(bytes)
      ? { kind: "more" }
      : { kind: "refused", holds: "something that is not a NAR" };
  if (!bytes.subarray(0, start).equals(NODE_START)) return { kind: "refused", holds: "something that is not a NAR" };
  const rest = bytes.subarray(start);
  if (!prefixCompatible(rest, REGULAR)) {
    // Refused at the first byte that differs from "regular"; the type is named from what those bytes can still be.
    const type = NODE_TYPES.find(({ token }) => prefixCompatible(rest, token))?.type;
    return { kind: "refused", holds: type === undefined ? "a node of an unknown type" : `a ${type}` };
  }
  if (rest.length < REGULAR.length) return { kind: "more" };
  const after = rest.subarray(REGULAR.length);
  for (const layout of [PLAIN_FILE, EXECUTABLE_FILE]) {
    if (after.length >= layout.length + 8 && after.subarray(0, layout.length).equals(layout)) {
      const size = after.readBigUInt64LE(layout.length);
      const length = start + REGULAR.length + layout.length + 8;
      return {
        kind: "file",
        length,
        size: size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size),
      };
    }
    if (after.length < layout.length + 8 && prefixCompatible(after, layout)) return { kind: "more" };
  }
  return { kind: "refused", holds: "a regular file with a malformed header" };
}

/** Whether one of `bytes` and `token` starts with the other (the bytes seen so far can still be, or are, the token). */
function prefixCompatible(bytes: Buffer, token: Buffer): boolean {
  const length = Math.min(bytes.length, token.length);
  return bytes.subarray(0, length).equals(token.subarray(0, length));
}
