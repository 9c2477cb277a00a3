// Builders for hand-made NARs (valid and malformed) from the public token helpers, plus small stream utilities.
// Used by the evil-NAR catalogue and other tests.

import { NAR_MAGIC, narToken, narTokens, narU64, parseNar, type NarError } from "../src/index.js";

export const magic = (): Buffer => narToken(NAR_MAGIC);
export const nar = (...parts: Buffer[]): Buffer => Buffer.concat([magic(), ...parts]);
export const raw = (...parts: Array<Buffer | string>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? narToken(p) : p)));

export const regular = (contents: string | Buffer = "hi", executable = false): Buffer =>
  narTokens("(", "type", "regular", ...(executable ? ["executable", ""] : []), "contents", contents, ")");
export const symlinkNode = (target: string | Buffer): Buffer =>
  narTokens("(", "type", "symlink", "target", target, ")");
export const directory = (...entries: Buffer[]): Buffer =>
  Buffer.concat([narTokens("(", "type", "directory"), ...entries, narTokens(")")]);
export const entry = (name: string | Buffer, node: Buffer): Buffer =>
  Buffer.concat([narTokens("entry", "(", "name", name, "node"), node, narTokens(")")]);
export { narU64 };

/** Split bytes into chunks of `size` to exercise chunk boundaries. */
export function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let index = 0; index < bytes.length; index += size) out.push(bytes.subarray(index, index + size));
  return out;
}

/** Parse fully (reading every file's contents) and return the error, or undefined if the NAR is accepted. */
export async function parseError(
  source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  readContents = true,
): Promise<NarError | undefined> {
  try {
    for await (const event of parseNar(source)) {
      if (event.type === "file" && readContents) for await (const _ of event.contents);
    }
    return undefined;
  } catch (error) {
    return error as NarError;
  }
}

/** A directory nested `depth` levels below the root (root = depth 0), built inside out without recursion. */
export function nestedDirectories(depth: number): Buffer {
  let node = directory();
  for (let level = 0; level < depth; level++) node = directory(entry("d", node));
  return node;
}
