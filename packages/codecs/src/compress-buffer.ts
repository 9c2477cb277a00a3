// Whole-buffer compression for small bodies whose size is known (tiny NARs, Content-Encoding bodies): the codec's
// one-shot path when it has one (zstd sizes its tables to the input), else its stream fed a single chunk.

import { CodecError } from "./codec-error.js";
import { withCompressionSlots } from "./compression-slots.js";
import { resolveLevel } from "./levels.js";
import { getCodec } from "./registry.js";

export interface CompressBufferOptions {
  /** Nix's compression-level; -1 or omitted = the codec's default. */
  readonly level?: number;
  readonly backend?: string;
}

async function* once(body: Uint8Array): AsyncGenerator<Uint8Array> {
  yield body;
}

/** Compresses all of `body` as one stream of `codecName` (a single frame/member, never split into pieces). */
export async function compressBuffer(
  codecName: string,
  body: Uint8Array,
  options: CompressBufferOptions = {},
): Promise<Buffer> {
  const codec = getCodec(codecName, options.backend);
  const level = resolveLevel(codec, options.level);
  if (!(body instanceof Uint8Array)) {
    throw new CodecError("INVALID_OPTION", `compressBuffer(${codec.name}) needs a Uint8Array body, got ${typeof body}`);
  }
  if (codec.compressWhole !== undefined) return codec.compressWhole(body, level);
  const pieces: Buffer[] = [];
  for await (const piece of withCompressionSlots(codec, 1, () => codec.compress({ level, threads: 1 })(once(body))))
    pieces.push(piece);
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}
