// The NAR serializer every dumper runs: walks a path and writes the NAR into buffers its caller hands out (file
// contents are read straight into them), yielding each filled buffer. For parallel dumps it writes only the node
// runs a worker owns, while still walking every node so the structure around them stays right.

import { closeSync, readlinkSync } from "node:fs";
import { openRegularFile, readFilePiece } from "./file-reading.js";
import { NarWriter } from "./nar-writer.js";
import { walkPath } from "./path-walk.js";

/** Nodes (directories, files, symlinks; the closing of the root counts as one more) per run of a parallel dump. */
export const NODES_PER_RUN = 32;

/** Yielded after the last bytes of each owned run, when `ownsRun` is given. */
export const RUN_END: unique symbol = Symbol("narwhal.nar.runEnd");

export interface NarChunksOptions {
  /** Space for the next bytes, filled from its start; called again after each yield. May return the same buffer. */
  nextBuffer(): Buffer;
  /** Parallel dumps: runs (of NODES_PER_RUN nodes, in NAR order) for which this is false are walked but not written. */
  ownsRun?: (run: number) => boolean;
}

const SKIPPED_TARGET = Buffer.from("skipped");

/**
 * NAR bytes of `root`, as views of the buffers `nextBuffer` hands out (valid until the next value is requested);
 * a token larger than a whole buffer is yielded on its own, as a fresh buffer.
 */
export function* narChunks(root: Buffer, options: NarChunksOptions): Generator<Buffer | typeof RUN_END, void, undefined> {
  const writer = new NarWriter();
  const ownsRun = options.ownsRun;
  // The output space is taken lazily and let go at each flush, so no space is held while a run-end is yielded.
  let buffer: Buffer | undefined;
  let filled = 0;
  let nodeIndex = 0;
  let run = -1;
  let owned = false;

  const space = (): Buffer => (buffer ??= options.nextBuffer());
  function* flush(): Generator<Buffer, void, undefined> {
    const view = filled > 0 ? buffer!.subarray(0, filled) : undefined;
    buffer = undefined;
    filled = 0;
    if (view !== undefined) yield view;
  }
  function* put(bytes: Buffer): Generator<Buffer, void, undefined> {
    if (bytes.length > space().length - filled) yield* flush();
    if (bytes.length > space().length) {
      yield bytes;
      return;
    }
    bytes.copy(buffer!, filled);
    filled += bytes.length;
  }
  /** Counts the next node; true when it is to be written. Ends the previous run when this node starts a new one. */
  function* startNode(): Generator<Buffer | typeof RUN_END, boolean, undefined> {
    if (ownsRun === undefined) return true;
    const nodeRun = Math.floor(nodeIndex++ / NODES_PER_RUN);
    if (nodeRun !== run) {
      if (owned) {
        yield* flush();
        yield RUN_END;
      }
      run = nodeRun;
      owned = ownsRun(run);
    }
    return owned;
  }

  for (const node of walkPath(root)) {
    const write = yield* startNode();
    if (node.kind === "directory") {
      const bytes = writer.directory(node.segments);
      if (write) yield* put(bytes);
    } else if (node.kind === "symlink") {
      const bytes = writer.symlink(node.segments, write ? readlinkSync(node.fsPath, { encoding: "buffer" }) : SKIPPED_TARGET);
      if (write) yield* put(bytes);
    } else if (!write) {
      writer.fileStart(node.segments, 0, false);
      writer.fileEnd();
    } else {
      const file = openRegularFile(node.fsPath);
      try {
        yield* put(writer.fileStart(node.segments, file.size, file.executable));
        let position = 0;
        do {
          if (filled === space().length) yield* flush();
          const target = space();
          const length = Math.min(target.length - filled, file.size - position);
          readFilePiece(file, node.fsPath, target, filled, length, position);
          filled += length;
          position += length;
        } while (position < file.size);
      } finally {
        closeSync(file.fd);
      }
      yield* put(writer.fileEnd());
    }
  }
  const write = yield* startNode();
  const closing = writer.end();
  if (write) yield* put(closing);
  yield* flush();
  if (ownsRun !== undefined && owned) yield RUN_END;
}
