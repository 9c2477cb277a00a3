// The NAR serializer in JavaScript, used where the native one (@narwhal/nar-native) is not built: walks a path and
// writes the NAR into buffers its caller hands out (framing and file contents go straight in), yielding each filled
// buffer. No allocation per node beyond the walk's own.

import { closeSync, readlinkSync } from "node:fs";
import { DumpFraming, FRAMING_ROOM, MIN_DUMP_BUFFER } from "./dump-framing.js";
import { openRegularFile, readFilePiece } from "./file-reading.js";
import { walkPath, type WalkedNode } from "./path-walk.js";

import type { NarChunksOptions } from "./nar-chunks.js";

/** NAR bytes of `root`, as views of the buffers `nextBuffer` hands out, valid until the next value is requested. */
export function* javascriptNarChunks(root: Buffer, options: NarChunksOptions): Generator<Buffer, void, undefined> {
  const framing = new DumpFraming();
  // Output space is taken lazily and let go at each flush, so a caller handing out ring space never has space
  // reserved that was not filled.
  let buffer: Buffer | undefined;
  let filled = 0;

  /** The output buffer with at least `bytes` free, after yielding what is filled when it has less. */
  function* room(bytes: number): Generator<Buffer, Buffer, undefined> {
    if (buffer !== undefined && buffer.length - filled < bytes && filled > 0) yield* flush();
    buffer ??= options.nextBuffer();
    if (buffer.length < MIN_DUMP_BUFFER)
      throw new RangeError(`NAR dump output buffers must hold at least ${MIN_DUMP_BUFFER} bytes, got ${buffer.length}`);
    return buffer;
  }
  function* flush(): Generator<Buffer, void, undefined> {
    const view = filled > 0 ? buffer!.subarray(0, filled) : undefined;
    buffer = undefined;
    filled = 0;
    if (view !== undefined) yield view;
  }
  function* writeNode(node: WalkedNode): Generator<Buffer, void, undefined> {
    const { depth, name, fsPath } = node;
    if (node.kind === "directory") {
      filled = framing.directory(yield* room(FRAMING_ROOM), filled, depth, name);
    } else if (node.kind === "symlink") {
      const linkTarget = readlinkSync(fsPath, { encoding: "buffer" });
      filled = framing.symlink(yield* room(FRAMING_ROOM + linkTarget.length), filled, depth, name, linkTarget, fsPath);
    } else {
      const file = openRegularFile(fsPath);
      try {
        let target = yield* room(FRAMING_ROOM);
        filled = framing.fileStart(target, filled, depth, name, file.size, file.executable);
        let position = 0;
        do {
          if (filled === target.length) target = yield* room(1);
          const length = Math.min(target.length - filled, file.size - position);
          readFilePiece(file, fsPath, target, filled, length, position);
          filled += length;
          position += length;
        } while (position < file.size);
        filled = framing.fileEnd(yield* room(64), filled, depth, file.size); // padding and two closing tokens
      } finally {
        closeSync(file.fd);
      }
    }
  }
  function* close(open: number): Generator<Buffer, void, undefined> {
    filled = framing.closeTo(yield* room(FRAMING_ROOM), filled, open);
  }

  for (const node of walkPath(root)) yield* writeNode(node);
  yield* close(0);
  yield* flush();
}
