// Content-Encoding helpers for the small whole bodies Nix may store compressed: narinfo (`narinfo-compression`),
// listings (`ls-compression`) and build logs (`log-compression`). The header value is the method name.

import { compressBuffer } from "./compress-buffer.js";
import { decompressStream } from "./compress-stream.js";

/** Default bound for decoded Content-Encoding bodies (narinfo, .ls, logs are small): 256 MiB. */
export const DEFAULT_CONTENT_ENCODING_LIMIT = 256 * 1024 * 1024;

async function collect(pieces: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of pieces) parts.push(piece);
  return Buffer.concat(parts);
}

async function* once(body: Uint8Array): AsyncGenerator<Uint8Array> {
  yield body;
}

/** Compresses a whole body for a `Content-Encoding: <method>` upload. */
export function encodeContentEncoding(
  method: string,
  body: Uint8Array,
  options: { level?: number } = {},
): Promise<Buffer> {
  return compressBuffer(method, body, { level: options.level ?? -1 });
}

/** Decodes a body received with `Content-Encoding: <method>` (`x-gzip` is read as gzip). */
export function decodeContentEncoding(
  method: string,
  body: Uint8Array,
  options: { maxOutputBytes?: number } = {},
): Promise<Buffer> {
  const name = method.trim().toLowerCase() === "x-gzip" ? "gzip" : method.trim().toLowerCase();
  return collect(
    decompressStream(name, once(body), { maxOutputBytes: options.maxOutputBytes ?? DEFAULT_CONTENT_ENCODING_LIMIT }),
  );
}
