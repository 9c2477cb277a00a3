// zstd through the `zstd-napi` binding (bundled libzstd): streaming frames compressed on a worker thread (so the
// event loop stays free; zstd's own threads too for threads > 1), and whole-buffer frames with the exact content size.

import type { Compressor } from "zstd-napi";
import type { Codec } from "../codec.js";
import { zstdNapi } from "../native-modules.js";
import { compressZstdInWorker } from "../zstd-worker-pool.js";
import { decompressZstd } from "./zstd-napi-decode.js";
import { compiledModuleUrl } from "../package-files.js";

// One reusable context for whole-buffer frames: ZSTD_compress2 resets it per call and sizes it to the input.
let wholeBufferCompressor: Compressor | undefined;

export const zstdNapiCodec: Codec = {
  name: "zstd",
  backend: "zstd-napi",
  extension: ".zst",
  levels: {
    // libzstd's ZSTD_minCLevel() (-ZSTD_TARGETLENGTH_MAX) and ZSTD_maxCLevel(), constants since zstd 1.4 (a test
    // checks them against the binding): written out so that registering the codec loads no native library.
    min: -131072,
    max: 22,
    default: 3,
  },
  concatenable: true,
  nativeThreads: true,
  releasesInput: true, // the feeder copies each piece into its batch before it pulls the next
  boundsOwnThreads: true, // streams run on the zstd worker pool, one thread per core
  chunkWorkerModule: compiledModuleUrl("backends/zstd-napi-chunk.js").href,
  // Not zstd-napi's CompressStream on this thread: even with nbWorkers >= 1 its compressStream2 blocks the event
  // loop whenever zstd's job queue is full (and copies the input). A worker thread per core hosts the streams.
  compress:
    ({ level, threads }) =>
    (source) =>
      compressZstdInWorker(source, level, threads > 1 ? threads : 0),
  compressWhole: (body, level) => {
    wholeBufferCompressor ??= new (zstdNapi().Compressor)();
    wholeBufferCompressor.setParameters({ compressionLevel: level, checksumFlag: true });
    return wholeBufferCompressor.compress(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  },
  decompress: (options) => (source) => decompressZstd(source, options.reuseOutput),
};
