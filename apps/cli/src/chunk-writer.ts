// A sink for borrowed chunks (views valid only during the call, as reused-buffer NAR dumps hand them out): written
// synchronously to the stream's file descriptor when it has one, falling back to the stream when the descriptor
// is non-blocking and full (EAGAIN); streams without a descriptor (tests) get a copy, with back-pressure.
import { writeSync } from "node:fs";
import { once, type EventEmitter } from "node:events";

export type ChunkSink = (chunk: Buffer) => void | Promise<void>;

/** The reader of our output went away (EPIPE): like a write to a closed pipe in Nix, the command stops quietly. */
export class OutputClosedError extends Error {
  readonly code = "OUTPUT_CLOSED";
  constructor(cause: unknown) {
    super("the reader of the output closed it", { cause });
    this.name = "OutputClosedError";
  }
}

export function chunkWriter(out: NodeJS.WritableStream): ChunkSink {
  const fd = (out as { fd?: unknown }).fd;
  if (typeof fd !== "number") {
    return async (chunk) => {
      if (!out.write(Buffer.from(chunk))) await once(out as unknown as EventEmitter, "drain");
    };
  }
  return (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      try {
        offset += writeSync(fd, chunk, offset, chunk.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EPIPE") throw new OutputClosedError(error);
        if (code !== "EAGAIN") throw error;
        // The descriptor is non-blocking and full: let the stream wait for it, then go on synchronously.
        const rest = Buffer.from(chunk.subarray(offset));
        return new Promise<void>((resolve, reject) =>
          out.write(rest, (failure) => (failure ? reject(failure) : resolve())),
        );
      }
    }
    return undefined;
  };
}
