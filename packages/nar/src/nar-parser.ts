// Strict, streaming, iterative NAR parser: turns bytes into depth-first events and refuses every malformed input
// with a NarError naming the offset and the rule. Uses an explicit stack, so hostile nesting cannot exhaust the call stack.

import { NarError, describeBytes } from "./errors.js";
import { entryNameProblem, isInEntryOrder } from "./entry-name-rules.js";
import { NAR_MAGIC, NarToken } from "./nar-format.js";
import { MAX_NAR_DEPTH, MAX_NAME_LENGTH, MAX_SYMLINK_TARGET_LENGTH, MAX_TAG_LENGTH } from "./nar-limits.js";
import { NarReader } from "./nar-reader.js";
import { joinSegments, type FileContentsStream, type NarEvent } from "./nar-events.js";
import { validateSymlinkTarget } from "./symlink-target-rules.js";

// The token choices the grammar offers, made once (not an array per token read).
const ENTRY_OR_CLOSE = [NarToken.entry, NarToken.close] as const;
const NODE_TYPES = [NarToken.regular, NarToken.directory, NarToken.symlink] as const;
const EXECUTABLE_OR_CONTENTS = [NarToken.executable, NarToken.contents] as const;

/** One directory whose entries are being read. */
interface OpenDirectory {
  segments: readonly Buffer[];
  previousName: Buffer | undefined;
}

/** Parse a NAR stream into events. Consume each file's `contents` before pulling the next event, or it is skipped. */
export async function* parseNar(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<NarEvent, void, undefined> {
  const reader = new NarReader(source);
  const tags = new TagReader(reader);
  try {
    const magicOffset = reader.offset;
    const magic = await reader.readString(
      MAX_TAG_LENGTH,
      (length, offset) =>
        new NarError(
          "NAR_BAD_MAGIC",
          `input is not a NAR: first token at offset ${offset} is ${length} bytes, expected "${NAR_MAGIC}"`,
          { offset },
        ),
    );
    if (magic.toString("latin1") !== NAR_MAGIC) {
      throw new NarError(
        "NAR_BAD_MAGIC",
        `input is not a NAR: first token at offset ${magicOffset} is ${describeBytes(magic)}, expected "${NAR_MAGIC}"`,
        { offset: magicOffset },
      );
    }

    const open: OpenDirectory[] = [];
    const root = await readNode(reader, tags, []);
    yield root;
    const rootFinished = finishNode(reader, tags, root);
    if (rootFinished instanceof Promise ? await rootFinished : rootFinished)
      open.push({ segments: [], previousName: undefined });

    while (open.length > 0) {
      const directory = open[open.length - 1]!;
      const tag = tags.match(ENTRY_OR_CLOSE) ?? (await tags.expect(NarToken.entry, NarToken.close));
      if (tag === NarToken.close) {
        open.pop();
        // the ")" closing the entry that holds this directory
        if (open.length > 0 && !tags.took(NarToken.close)) await tags.expect(NarToken.close);
        continue;
      }
      if (!tags.took(NarToken.open)) await tags.expect(NarToken.open);
      if (!tags.took(NarToken.name)) await tags.expect(NarToken.name);
      const nameRead = readEntryName(reader, directory);
      const name = nameRead instanceof Promise ? await nameRead : nameRead;
      directory.previousName = name;
      if (!tags.took(NarToken.node)) await tags.expect(NarToken.node);
      const segments = [...directory.segments, name];
      if (segments.length > MAX_NAR_DEPTH) {
        throw new NarError(
          "NAR_TOO_DEEP",
          `entry ${describeBytes(joinSegments(segments))} at offset ${reader.offset} is nested ${segments.length} levels deep; the limit is ${MAX_NAR_DEPTH}`,
          { offset: reader.offset },
        );
      }
      const node = await readNode(reader, tags, segments);
      yield node;
      const finished = finishNode(reader, tags, node);
      if (finished instanceof Promise ? await finished : finished) {
        open.push({ segments, previousName: undefined });
      } else {
        if (!tags.took(NarToken.close)) await tags.expect(NarToken.close);
      }
    }

    if (!(await reader.atEnd())) {
      throw new NarError("NAR_TRAILING_BYTES", `trailing bytes after the end of the NAR at offset ${reader.offset}`, {
        offset: reader.offset,
      });
    }
  } finally {
    await reader.close();
  }
}

/**
 * Reads one node up to its event: a directory's type, a symlink through its closing ")", a regular file's header up
 * to its contents (finishNode reads the rest once the event was handled). A function, not a generator of its own:
 * one async generator per node (and `yield*` through it) was a measurable share of parsing many small files.
 */
async function readNode(reader: NarReader, tags: TagReader, segments: Buffer[]): Promise<NarEvent> {
  const path = joinSegments(segments);
  if (!tags.took(NarToken.open)) await tags.expect(NarToken.open);
  if (!tags.took(NarToken.type)) await tags.expect(NarToken.type);
  const typeOffset = reader.offset;
  const type = tags.match(NODE_TYPES) ?? (await tags.read()).toString("latin1");
  switch (type) {
    case NarToken.directory:
      return { type: "directory", segments, path };
    case NarToken.symlink: {
      if (!tags.took(NarToken.target)) await tags.expect(NarToken.target);
      const targetOffset = reader.offset;
      const target = await reader.readString(
        MAX_SYMLINK_TARGET_LENGTH,
        (length, offset) =>
          new NarError(
            "NAR_BAD_SYMLINK_TARGET",
            `symlink target at offset ${offset} is ${length} bytes; the limit is ${MAX_SYMLINK_TARGET_LENGTH}`,
            { offset },
          ),
      );
      const problem = validateSymlinkTarget(target);
      if (problem !== undefined) {
        throw new NarError(
          "NAR_BAD_SYMLINK_TARGET",
          `symlink target ${describeBytes(target)} at offset ${targetOffset} is refused: ${problem}`,
          { offset: targetOffset },
        );
      }
      if (!tags.took(NarToken.close)) await tags.expect(NarToken.close);
      return { type: "symlink", segments, path, target };
    }
    case NarToken.regular: {
      const first = tags.match(EXECUTABLE_OR_CONTENTS) ?? (await tags.expect(NarToken.executable, NarToken.contents));
      const executable = first === NarToken.executable;
      if (executable) {
        const flagOffset = reader.offset;
        const flag = await tags.read();
        if (flag.length !== 0) {
          throw new NarError(
            "NAR_UNEXPECTED_TAG",
            `expected "" after "executable" at offset ${flagOffset}, found ${describeBytes(flag)}`,
            { offset: flagOffset },
          );
        }
        if (!tags.took(NarToken.contents)) await tags.expect(NarToken.contents);
      }
      const sizeRead = reader.readLength();
      const size = typeof sizeRead === "number" ? sizeRead : await sizeRead;
      const contents = new FileContents(reader, size, path);
      return { type: "file", segments, path, executable, size, narOffset: reader.offset, contents };
    }
    default:
      throw new NarError(
        "NAR_UNKNOWN_TYPE",
        `unknown node type ${describeBytes(Buffer.from(type, "latin1"))} at offset ${typeOffset}; expected "regular", "symlink" or "directory"`,
        { offset: typeOffset },
      );
  }
}

/**
 * After a node's event was handled: skips what the consumer did not read of a file, checks its padding and reads
 * its closing ")". True when the node opened a directory (its entries follow). Without waiting when all of that is
 * buffered (most files), like the reader's own buffered paths.
 */
function finishNode(reader: NarReader, tags: TagReader, node: NarEvent): boolean | Promise<boolean> {
  if (node.type !== "file") return node.type === "directory";
  const skipping = (node.contents as FileContents).finish();
  if (skipping !== undefined) return skipping.then(() => finishFile(reader, tags, node.size));
  return finishFile(reader, tags, node.size);
}

/** A file's padding and closing ")", once its contents were read or skipped. */
function finishFile(reader: NarReader, tags: TagReader, size: number): false | Promise<false> {
  const padding = reader.readPadding(size);
  if (padding !== undefined) return padding.then(() => closeNode(tags));
  return closeNode(tags);
}

function closeNode(tags: TagReader): false | Promise<false> {
  if (tags.took(NarToken.close)) return false;
  const read = tags.expect(NarToken.close);
  return read instanceof Promise ? read.then(() => false as const) : false;
}

/** The next entry name, checked (without waiting when it is buffered). */
function readEntryName(reader: NarReader, directory: OpenDirectory): Buffer | Promise<Buffer> {
  const offset = reader.offset;
  const name = reader.readString(
    MAX_NAME_LENGTH,
    (length, at) =>
      new NarError(
        "NAR_NAME_TOO_LONG",
        `entry name at offset ${at} is ${length} bytes; the limit is ${MAX_NAME_LENGTH}`,
        { offset: at },
      ),
  );
  return name instanceof Promise
    ? name.then((read) => checkEntryName(read, offset, directory))
    : checkEntryName(name, offset, directory);
}

function checkEntryName(name: Buffer, offset: number, directory: OpenDirectory): Buffer {
  const problem = entryNameProblem(name);
  if (problem !== undefined) {
    throw new NarError(
      "NAR_BAD_ENTRY_NAME",
      `entry name ${describeBytes(name)} at offset ${offset} is refused: ${problem}`,
      { offset },
    );
  }
  if (!isInEntryOrder(directory.previousName, name)) {
    throw new NarError(
      "NAR_UNSORTED_ENTRIES",
      `entry name ${describeBytes(name)} at offset ${offset} does not sort strictly after ${describeBytes(directory.previousName!)}; directory entries must be unique and in ascending byte order`,
      { offset },
    );
  }
  return name;
}

/** Reads structural tokens (bounded to MAX_TAG_LENGTH) and checks them against what the grammar allows next. */
class TagReader {
  #reader: NarReader;

  constructor(reader: NarReader) {
    this.#reader = reader;
  }

  read(): Buffer | Promise<Buffer> {
    return this.#reader.readTransientString(
      MAX_TAG_LENGTH,
      (length, offset) =>
        new NarError(
          "NAR_TAG_TOO_LONG",
          `token at offset ${offset} is ${length} bytes; structural tokens are at most ${MAX_TAG_LENGTH} bytes`,
          { offset },
        ),
    );
  }

  /** The next tag when it is buffered and one of `candidates` (consumed), else undefined (nothing consumed). */
  match(candidates: readonly string[]): string | undefined {
    return this.#reader.matchBufferedToken(candidates, MAX_TAG_LENGTH);
  }

  /**
   * True when the next tag is buffered and is `token` (consumed). Else nothing is consumed, and the caller awaits
   * expect(token), which waits for input or reports the tag found: most tags are buffered, and an `await` of
   * a value that is already there still costs a trip through the microtask queue.
   */
  took(token: string): boolean {
    return this.#reader.takeBufferedToken(token, MAX_TAG_LENGTH);
  }

  /**
   * Read a tag that must be one of `allowed`; returns the one found. The slow path behind took() and match(): it
   * waits for input, and names the tag found when it is none of `allowed`.
   */
  expect(...allowed: string[]): string | Promise<string> {
    const offset = this.#reader.offset;
    const tag = this.read();
    return tag instanceof Promise
      ? tag.then((read) => checkTag(read, offset, allowed))
      : checkTag(tag, offset, allowed);
  }
}

function checkTag(tag: Buffer, offset: number, allowed: readonly string[]): string {
  const text = tag.toString("latin1");
  if (!allowed.includes(text)) {
    const wanted = allowed.map((value) => `"${value}"`).join(" or ");
    throw new NarError("NAR_UNEXPECTED_TAG", `expected ${wanted} at offset ${offset}, found ${describeBytes(tag)}`, {
      offset,
    });
  }
  return text;
}

/** A file's contents as a one-shot stream that is only valid until the parser moves past the file. */
class FileContents implements FileContentsStream {
  #reader: NarReader;
  #remaining: number;
  #path: Buffer;
  #state: "unread" | "reading" | "expired" = "unread";

  constructor(reader: NarReader, size: number, path: Buffer) {
    this.#reader = reader;
    this.#remaining = size;
    this.#path = path;
  }

  #expired(): NarError {
    return new NarError(
      "NAR_CONTENTS_EXPIRED",
      `contents of ${describeBytes(this.#path)} can be read only once and only before the parser moves to the next entry`,
      { path: this.#path.toString() },
    );
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    if (this.#state !== "unread") throw this.#expired();
    this.#state = "reading";
    for await (const chunk of this.#reader.readChunks(this.#remaining)) {
      this.#remaining -= chunk.length;
      yield chunk;
      if (this.#hasExpired()) throw this.#expired();
    }
  }

  takeIfBuffered(): Buffer | undefined {
    if (this.#state !== "unread") throw this.#expired();
    const whole = this.#reader.takeBuffered(this.#remaining);
    if (whole !== undefined) {
      this.#state = "reading";
      this.#remaining = 0;
    }
    return whole;
  }

  #hasExpired(): boolean {
    return this.#state === "expired";
  }

  /** Skip what the consumer did not read; afterwards the contents can no longer be iterated. */
  finish(): Promise<void> | undefined {
    this.#state = "expired";
    const remaining = this.#remaining;
    this.#remaining = 0;
    return remaining === 0 ? undefined : this.#reader.skip(remaining);
  }
}
