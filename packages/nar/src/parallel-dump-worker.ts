// Worker thread of dumpPathParallel: walks the whole tree like every other worker, but writes (and reads the files
// of) only the node runs it owns, into its ring; failures travel through the ring as error records, in order.

import { workerData } from "node:worker_threads";
import { RingWriter } from "./byte-ring.js";
import { NarError } from "./errors.js";
import { RUN_END, narChunks } from "./nar-chunks.js";

export interface ParallelDumpWorkerData {
  readonly root: Uint8Array;
  readonly ring: SharedArrayBuffer;
  readonly workerIndex: number;
  readonly workers: number;
  readonly chunkSize: number;
}

/** The smallest output space taken from the ring: larger than any single NAR token (names, symlink targets). */
const MIN_SPACE = 64 * 1024;

const { root, ring, workerIndex, workers, chunkSize } = workerData as ParallelDumpWorkerData;
const writer = new RingWriter(ring);
try {
  const chunks = narChunks(Buffer.from(root.buffer, root.byteOffset, root.byteLength), {
    nextBuffer: () => writer.space(MIN_SPACE, chunkSize),
    ownsRun: (run) => run % workers === workerIndex,
  });
  for (const chunk of chunks) {
    if (chunk === RUN_END) writer.marker("runEnd");
    else if (chunk.buffer === ring) writer.commit(chunk.length);
    else writer.write(chunk);
  }
  writer.marker("done");
} catch (error) {
  const failure = error as NodeJS.ErrnoException;
  writer.error(JSON.stringify({
    message: failure.message ?? String(error),
    code: failure.code,
    narError: error instanceof NarError,
    ...(error instanceof NarError ? { path: error.path, offset: error.offset } : { errno: failure.errno, syscall: failure.syscall }),
  }));
}
