// Public API of @narwhal/codecs: the codec registry, streaming compress/decompress with parallel chunking,
// and Content-Encoding helpers. Importing this module registers the built-in codecs.

import "./builtin-codecs.js";

export type { ByteTransform, Codec, CodecCompressOptions, CodecDecompressOptions, LevelRange } from "./codec.js";
export { CodecError, type CodecErrorCode } from "./codec-error.js";
export {
  getCodec,
  listCodecs,
  narExtension,
  registerCodec,
  type CodecListing,
  type RegisterOptions,
} from "./registry.js";
export { resolveLevel } from "./levels.js";
export {
  compressStream,
  decompressStream,
  DEFAULT_CHUNK_SIZE,
  SINGLE_THREAD_BELOW,
  type CompressOptions,
  type DecompressOptions,
  type ParallelStrategy,
} from "./compress-stream.js";
export { compressBuffer, type CompressBufferOptions } from "./compress-buffer.js";
export { compressionSlots, CompressionSlots } from "./compression-slots.js";
export { closeCompressionPools } from "./chunk-pool.js";
export { holdCompressionPools, type CompressionPoolsLease } from "./pool-lease.js";
export { decodeContentEncoding, encodeContentEncoding, DEFAULT_CONTENT_ENCODING_LIMIT } from "./content-encoding.js";
export { throughNodeTransform } from "./node-transform.js";
