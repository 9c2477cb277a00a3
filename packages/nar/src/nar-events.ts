// The event vocabulary shared by the parser (which yields it) and the writer (which serializes it).
// A NAR is a depth-first sequence of nodes, each named by its path segments from the root (root = no segments).

export interface NarDirectoryEvent {
  type: "directory";
  segments: readonly Buffer[];
  /** Segments joined with "/" ("" for the root); a Buffer so non-UTF-8 names survive. */
  path: Buffer;
}

export interface NarSymlinkEvent {
  type: "symlink";
  segments: readonly Buffer[];
  path: Buffer;
  target: Buffer;
}

export interface NarFileEvent {
  type: "file";
  segments: readonly Buffer[];
  path: Buffer;
  executable: boolean;
  size: number;
  /** Offset in the uncompressed NAR of the first content byte (just after the u64 size). */
  narOffset: number;
  /**
   * The file's bytes. Iterate at most once and before asking the parser for the next event;
   * whatever is left unread is skipped (and its padding still checked) when the parser moves on.
   */
  contents: FileContentsStream;
}

/** A file's bytes as a one-shot stream; takeIfBuffered() gets them at once when the parser holds them all already. */
export interface FileContentsStream extends AsyncIterable<Buffer> {
  /**
   * All of the file's bytes when they are in the parser's current input chunk (a view of it, valid until the
   * next event; the stream is then used up), else undefined and nothing is read.
   */
  takeIfBuffered(): Buffer | undefined;
}

export type NarEvent = NarDirectoryEvent | NarSymlinkEvent | NarFileEvent;

/** What the writer needs to serialize a node; parser events satisfy it, so a parse can be re-written as is. */
export type NarWriteEvent =
  | { type: "directory"; segments: readonly Uint8Array[] }
  | { type: "symlink"; segments: readonly Uint8Array[]; target: Uint8Array | string }
  | {
      type: "file";
      segments: readonly Uint8Array[];
      executable: boolean;
      size: number;
      contents: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    };

const SLASH = Buffer.from("/");

/** Join path segments with "/" into one Buffer ("" for the root). */
export function joinSegments(segments: readonly Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [];
  segments.forEach((segment, index) => {
    if (index > 0) parts.push(SLASH);
    parts.push(segment);
  });
  return Buffer.concat(parts);
}
