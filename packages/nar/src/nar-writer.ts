// Serializer from depth-first node events to NAR bytes. It checks what it is given (names, order, depth,
// nesting) so it can only emit NARs the strict parser accepts; hand-built malformed NARs use the token helpers instead.

import { NarError, describeBytes } from "./errors.js";
import { entryNameProblem, isInEntryOrder } from "./entry-name-rules.js";
import { NAR_MAGIC, NarToken, narPadding, narToken, narU64 } from "./nar-format.js";
import { MAX_NAR_DEPTH } from "./nar-limits.js";
import { joinSegments, type NarWriteEvent } from "./nar-events.js";
import { validateSymlinkTarget } from "./symlink-target-rules.js";

const T = Object.fromEntries(Object.entries(NarToken).map(([key, value]) => [key, narToken(value)])) as Record<
  keyof typeof NarToken,
  Buffer
>;
const MAGIC = narToken(NAR_MAGIC);
const EMPTY_TOKEN = narToken("");
const REGULAR_HEADER = Buffer.concat([T.open, T.type, T.regular]);
const DIRECTORY_HEADER = Buffer.concat([T.open, T.type, T.directory]);
const SYMLINK_HEADER = Buffer.concat([T.open, T.type, T.symlink, T.target]);

interface OpenDirectory {
  segments: readonly Uint8Array[];
  previousName: Uint8Array | undefined;
}

/**
 * Incremental NAR serializer. Call `directory`, `symlink` or `fileStart` + contents + `fileEnd` for each node in
 * depth-first order (entries of a directory in ascending byte order), then `end`. Each call returns bytes to emit.
 */
export class NarWriter {
  #open: OpenDirectory[] = [];
  #state: "start" | "nodes" | "file" | "done" = "start";
  #fileSize = 0;
  #fileIsEntry = false;

  directory(segments: readonly Uint8Array[]): Buffer {
    const prefix = this.#enter(segments);
    this.#open.push({ segments, previousName: undefined });
    return Buffer.concat([prefix, DIRECTORY_HEADER]);
  }

  symlink(segments: readonly Uint8Array[], target: Uint8Array | string): Buffer {
    const targetBytes = typeof target === "string" ? Buffer.from(target, "utf8") : target;
    const problem = validateSymlinkTarget(targetBytes);
    if (problem !== undefined) {
      throw new NarError(
        "NAR_BAD_SYMLINK_TARGET",
        `cannot write symlink ${describeBytes(joinSegments(segments))} with target ${describeBytes(targetBytes)}: ${problem}`,
      );
    }
    const prefix = this.#enter(segments);
    const close = segments.length > 0 ? [T.close, T.close] : [T.close];
    return Buffer.concat([prefix, SYMLINK_HEADER, narToken(targetBytes), ...close]);
  }

  /** Header of a regular file up to and including its u64 size; follow with exactly `size` content bytes. */
  fileStart(segments: readonly Uint8Array[], size: number, executable: boolean): Buffer {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new NarError(
        "NAR_LENGTH_OVERFLOW",
        `cannot write file ${describeBytes(joinSegments(segments))}: size ${size} is not a non-negative safe integer`,
      );
    }
    const prefix = this.#enter(segments);
    this.#state = "file";
    this.#fileSize = size;
    this.#fileIsEntry = segments.length > 0;
    const flag = executable ? [T.executable, EMPTY_TOKEN] : [];
    return Buffer.concat([prefix, REGULAR_HEADER, ...flag, T.contents, narU64(size)]);
  }

  /** Padding and closing tokens after a file's contents. */
  fileEnd(): Buffer {
    if (this.#state !== "file") throw orderError("fileEnd() called without a matching fileStart()");
    this.#state = "nodes";
    const close = this.#fileIsEntry ? [T.close, T.close] : [T.close];
    return Buffer.concat([narPadding(this.#fileSize), ...close]);
  }

  /** Close every open directory; the NAR is complete afterwards. */
  end(): Buffer {
    if (this.#state !== "nodes")
      throw orderError(
        this.#state === "start" ? "a NAR needs a root node" : "end() called in the middle of a file or twice",
      );
    this.#state = "done";
    return this.#closeDirectoriesDeeperThan(-1);
  }

  /** Bytes that close finished directories and open the entry for the node at `segments`. */
  #enter(segments: readonly Uint8Array[]): Buffer {
    if (this.#state === "start") {
      if (segments.length !== 0)
        throw orderError(`the first node must be the root, got ${describeBytes(joinSegments(segments))}`);
      this.#state = "nodes";
      return MAGIC;
    }
    if (this.#state !== "nodes")
      throw orderError(
        `cannot start ${describeBytes(joinSegments(segments))} ${this.#state === "file" ? "before fileEnd()" : "after end()"}`,
      );
    if (segments.length === 0) throw orderError("a NAR has exactly one root node");
    if (segments.length > MAX_NAR_DEPTH) {
      throw new NarError(
        "NAR_TOO_DEEP",
        `cannot write ${describeBytes(joinSegments(segments))}: nested ${segments.length} levels deep; the limit is ${MAX_NAR_DEPTH}`,
      );
    }
    const closing = this.#closeDirectoriesDeeperThan(segments.length - 1);
    const parent = this.#open[this.#open.length - 1];
    if (
      parent === undefined ||
      parent.segments.length !== segments.length - 1 ||
      !parent.segments.every((segment, index) => Buffer.compare(segment, segments[index]!) === 0)
    ) {
      throw orderError(`node ${describeBytes(joinSegments(segments))} does not follow its parent directory`);
    }
    const name = segments[segments.length - 1]!;
    const problem = entryNameProblem(name);
    if (problem !== undefined)
      throw new NarError("NAR_BAD_ENTRY_NAME", `cannot write entry ${describeBytes(name)}: ${problem}`);
    if (!isInEntryOrder(parent.previousName, name)) {
      throw new NarError(
        "NAR_UNSORTED_ENTRIES",
        `cannot write entry ${describeBytes(name)} after ${describeBytes(parent.previousName!)}: entries must be unique and in ascending byte order`,
      );
    }
    parent.previousName = name;
    return Buffer.concat([closing, T.entry, T.open, T.name, narToken(name), T.node]);
  }

  #closeDirectoriesDeeperThan(depth: number): Buffer {
    const parts: Buffer[] = [];
    while (this.#open.length > 0 && this.#open[this.#open.length - 1]!.segments.length > depth) {
      const closed = this.#open.pop()!;
      parts.push(T.close);
      if (closed.segments.length > 0) parts.push(T.close);
    }
    return Buffer.concat(parts);
  }
}

function orderError(message: string): NarError {
  return new NarError("NAR_BAD_EVENT_ORDER", message);
}

/** Serialize node events (for example those of `parseNar`) into NAR bytes, streaming file contents through. */
export async function* writeNar(
  events: AsyncIterable<NarWriteEvent> | Iterable<NarWriteEvent>,
): AsyncGenerator<Buffer, void, undefined> {
  const writer = new NarWriter();
  for await (const event of events) {
    switch (event.type) {
      case "directory":
        yield writer.directory(event.segments);
        break;
      case "symlink":
        yield writer.symlink(event.segments, event.target);
        break;
      case "file": {
        yield writer.fileStart(event.segments, event.size, event.executable);
        let written = 0;
        for await (const chunk of event.contents) {
          written += chunk.byteLength;
          if (written > event.size) break;
          yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        }
        if (written !== event.size) {
          throw new NarError(
            "NAR_SIZE_MISMATCH",
            `file ${describeBytes(joinSegments(event.segments))} announced ${event.size} bytes but its contents ${written > event.size ? "were longer" : `had ${written}`}`,
          );
        }
        yield writer.fileEnd();
        break;
      }
    }
  }
  yield writer.end();
}
