// Worker thread of dumpPathInWorker: dumps the tree into the shared ring, file contents read straight into it;
// a failure travels through the ring as an error record, after the bytes before it.

import { workerData } from "node:worker_threads";
import { RingWriter } from "./byte-ring.js";
import { NarError } from "./errors.js";
import { narChunks } from "./nar-chunks.js";

export interface DumpWorkerData {
  readonly root: Uint8Array;
  readonly ring: SharedArrayBuffer;
  readonly chunkSize: number;
}

/** The smallest output space taken from the ring: well above MIN_DUMP_BUFFER, so framing never waits for space. */
const MIN_SPACE = 64 * 1024;

const { root, ring, chunkSize } = workerData as DumpWorkerData;
const writer = new RingWriter(ring);
try {
  const chunks = narChunks(Buffer.from(root.buffer, root.byteOffset, root.byteLength), {
    nextBuffer: () => writer.space(MIN_SPACE, chunkSize),
  });
  for (const chunk of chunks) {
    if (chunk.buffer === ring) writer.commit(chunk.length);
    else writer.write(chunk);
  }
  writer.done();
} catch (error) {
  const failure = error as NodeJS.ErrnoException;
  writer.error(
    JSON.stringify({
      message: failure.message ?? String(error),
      code: failure.code,
      narError: error instanceof NarError,
      ...(error instanceof NarError
        ? { path: error.path, offset: error.offset }
        : { errno: failure.errno, syscall: failure.syscall }),
    }),
  );
}
