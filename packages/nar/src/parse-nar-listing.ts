// Parses an untrusted `.ls` listing ({"version":1,"root":...}) into a NarListing: size, depth and node count bounded,
// no recursion (an explicit stack of open objects), a strict shape, and a NarError naming source, JSON path and rule.

import { entryNameProblem } from "./entry-name-rules.js";
import { NarError, type NarErrorCode } from "./errors.js";
import { ListingJsonLexer, describeByte } from "./listing-json-lexer.js";
import { formatListingPath, quoteForMessage, type ListingPathStep } from "./listing-json-path.js";
import {
  MAX_IGNORED_VALUE_NESTING,
  MAX_LISTING_BYTES,
  MAX_LISTING_DEPTH,
  MAX_LISTING_ENTRIES,
} from "./listing-limits.js";
import type { NarListing, NarListingNode } from "./nar-listing.js";
import { validateSymlinkTarget } from "./symlink-target-rules.js";

export interface ParseNarListingOptions {
  /** Largest input accepted, in bytes (UTF-8 bytes for a string); checked before parsing. Default 16 MiB. */
  maxBytes?: number;
  /** Deepest node, the root being depth 0. Default 64, the NAR parser's MAX_NAR_DEPTH. */
  maxDepth?: number;
  /** Most nodes, the root included. Default 1,000,000. */
  maxEntries?: number;
  /** Where the text came from (object key, URL, file name), named in every error message. */
  source?: string;
}

/** What the value being read is for. */
enum Slot {
  Top,
  Version,
  Root,
  Type,
  Size,
  Executable,
  NarOffset,
  Target,
  Entries,
  Entry,
  Ignored,
}

interface DocumentFrame {
  readonly kind: "document";
  /** Bit (1 << slot) for every known key seen; unknown keys in `otherKeys` (duplicates are refused). */
  seen: number;
  otherKeys: Set<string> | undefined;
  hasVersion: boolean;
  root: NarListingNode | undefined;
}

interface NodeFrame {
  readonly kind: "node";
  readonly depth: number;
  /** The entry name, or undefined for the root. */
  readonly name: string | undefined;
  seen: number;
  otherKeys: Set<string> | undefined;
  type: NarListingNode["type"] | undefined;
  size: number | undefined;
  executable: boolean | undefined;
  narOffset: number | undefined;
  target: string | undefined;
  entries: Record<string, NarListingNode> | undefined;
}

interface EntriesFrame {
  readonly kind: "entries";
  readonly entries: Record<string, NarListingNode>;
  pendingName: string;
}

interface IgnoredFrame {
  readonly kind: "ignored-object" | "ignored-array";
  readonly otherKeys: Set<string> | undefined;
}

type Frame = DocumentFrame | NodeFrame | EntriesFrame | IgnoredFrame;

const ascii = (text: string): Uint8Array => Buffer.from(text, "latin1");

const DOCUMENT_KEYS: ReadonlyArray<readonly [Uint8Array, Slot]> = [
  [ascii("version"), Slot.Version],
  [ascii("root"), Slot.Root],
];
const NODE_KEYS: ReadonlyArray<readonly [Uint8Array, Slot]> = [
  [ascii("type"), Slot.Type],
  [ascii("size"), Slot.Size],
  [ascii("executable"), Slot.Executable],
  [ascii("narOffset"), Slot.NarOffset],
  [ascii("target"), Slot.Target],
  [ascii("entries"), Slot.Entries],
];
const NODE_TYPES: ReadonlyArray<readonly [Uint8Array, NarListingNode["type"]]> = [
  [ascii("regular"), "regular"],
  [ascii("symlink"), "symlink"],
  [ascii("directory"), "directory"],
];

/** Keys of a known slot, for messages. */
const SLOT_KEYS: Readonly<Partial<Record<Slot, string>>> = {
  [Slot.Version]: "version",
  [Slot.Root]: "root",
  [Slot.Type]: "type",
  [Slot.Size]: "size",
  [Slot.Executable]: "executable",
  [Slot.NarOffset]: "narOffset",
  [Slot.Target]: "target",
  [Slot.Entries]: "entries",
};

/** Node keys that belong to one node type; a node of another type carrying them is refused. */
const KEY_OWNERS: Readonly<Partial<Record<Slot, NarListingNode["type"]>>> = {
  [Slot.Size]: "regular",
  [Slot.Executable]: "regular",
  [Slot.NarOffset]: "regular",
  [Slot.Target]: "symlink",
  [Slot.Entries]: "directory",
};

const OWNED_KEYS = Object.entries(KEY_OWNERS).map(([slot, owner]) => [Number(slot) as Slot, owner] as const);

/** Per node type, the bits (1 << slot) of the keys other node types own. */
const FOREIGN_KEYS: Readonly<Record<NarListingNode["type"], number>> = {
  regular: (1 << Slot.Target) | (1 << Slot.Entries),
  symlink: (1 << Slot.Size) | (1 << Slot.Executable) | (1 << Slot.NarOffset) | (1 << Slot.Entries),
  directory: (1 << Slot.Size) | (1 << Slot.Executable) | (1 << Slot.NarOffset) | (1 << Slot.Target),
};

/** The rule a value for each slot must follow, used when the value has the wrong JSON type. */
const SLOT_RULES: Readonly<Record<Slot, string>> = {
  [Slot.Top]: 'a listing must be a JSON object {"version":1,"root":...}',
  [Slot.Version]: "version must be 1",
  [Slot.Root]: "a node must be a JSON object",
  [Slot.Type]: 'type must be "regular", "symlink" or "directory"',
  [Slot.Size]: "size must be a non-negative integer",
  [Slot.Executable]: "executable must be true or false",
  [Slot.NarOffset]: "narOffset must be a non-negative integer",
  [Slot.Target]: "target must be a string",
  [Slot.Entries]: "entries must be a JSON object",
  [Slot.Entry]: "a node must be a JSON object",
  [Slot.Ignored]: "",
};

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;

/**
 * Parse `.ls` listing text (or its UTF-8 bytes) into a NarListing, refusing anything Nix's `listNar` could not have
 * written for a NAR the NAR parser accepts. Keys the format does not define are checked as JSON and ignored, as Nix
 * ignores them; `"executable": false` and `"narOffset": 0` are accepted and dropped, like absent keys.
 */
export function parseNarListing(text: string | Uint8Array, options: ParseNarListingOptions = {}): NarListing {
  const maxBytes = limitOption(options.maxBytes, MAX_LISTING_BYTES, "maxBytes");
  const maxDepth = limitOption(options.maxDepth, MAX_LISTING_DEPTH, "maxDepth");
  const maxEntries = limitOption(options.maxEntries, MAX_LISTING_ENTRIES, "maxEntries");
  const source = options.source === undefined ? "" : ` ${quoteForMessage(options.source).slice(1, -1)}`;
  const bytes = boundedBytes(text, maxBytes, source);
  return new ListingParser(bytes, maxDepth, maxEntries, source).parse();
}

function limitOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`parseNarListing: ${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

/** The input as bytes, refused before any copy or parse when above `maxBytes`. */
function boundedBytes(text: string | Uint8Array, maxBytes: number, source: string): Buffer {
  const refuse = (size: string): never => {
    throw new NarError(
      "LISTING_TOO_LARGE",
      `invalid NAR listing${source}: ${size} bytes is more than the limit of ${maxBytes} bytes`,
      { offset: maxBytes },
    );
  };
  if (typeof text === "string") {
    if (text.length > maxBytes) refuse(`at least ${text.length}`); // every UTF-16 code unit takes at least one UTF-8 byte
    const byteLength = Buffer.byteLength(text, "utf8");
    if (byteLength > maxBytes) refuse(String(byteLength));
    return Buffer.from(text, "utf8");
  }
  if (!(text instanceof Uint8Array)) throw new TypeError("parseNarListing: text must be a string or a Uint8Array");
  if (text.byteLength > maxBytes) refuse(String(text.byteLength));
  return Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}

class ListingParser {
  private readonly lexer: ListingJsonLexer;
  private readonly stack: Frame[] = [];
  private nodeCount = 0;
  private ignoredNesting = 0;
  private result: NarListing | undefined;

  constructor(
    bytes: Buffer,
    private readonly maxDepth: number,
    private readonly maxEntries: number,
    private readonly source: string,
  ) {
    this.lexer = new ListingJsonLexer(bytes, (offset, rule) =>
      this.fail("LISTING_NOT_JSON", `not valid JSON at byte ${offset}: ${rule}`, offset),
    );
  }

  parse(): NarListing {
    const lexer = this.lexer;
    let slot = Slot.Top;
    let readingValue = true;
    for (;;) {
      if (readingValue) {
        const next = lexer.peek();
        if (next === OPEN_BRACE) {
          lexer.advance();
          this.openObject(slot);
          if (lexer.peek() === CLOSE_BRACE) {
            lexer.advance();
            this.close();
            readingValue = false;
          } else {
            slot = this.readKey();
          }
        } else if (next === OPEN_BRACKET) {
          lexer.advance();
          this.openArray(slot);
          if (lexer.peek() === CLOSE_BRACKET) {
            lexer.advance();
            this.close();
            readingValue = false;
          } else {
            slot = Slot.Ignored;
          }
        } else {
          this.readPrimitive(slot, next);
          readingValue = false;
        }
        continue;
      }

      const top = this.stack[this.stack.length - 1];
      const next = lexer.peek();
      if (top === undefined) {
        if (next !== -1) this.syntax(`unexpected ${describeByte(next)} after the end of the listing`);
        return this.result!;
      }
      const closing = top.kind === "ignored-array" ? CLOSE_BRACKET : CLOSE_BRACE;
      if (next === COMMA) {
        lexer.advance();
        slot = top.kind === "ignored-array" ? Slot.Ignored : this.readKey();
        readingValue = true;
      } else if (next === closing) {
        lexer.advance();
        this.close();
      } else {
        this.syntax(`expected ',' or '${String.fromCharCode(closing)}', found ${describeByte(next)}`);
      }
    }
  }

  /** Read `"key":` in the object on top of the stack and return what its value is for. */
  private readKey(): Slot {
    const lexer = this.lexer;
    const next = lexer.peek();
    if (next !== QUOTE) this.syntax(`expected a member name in double quotes, found ${describeByte(next)}`);
    lexer.readStringRange();
    const keyOffset = lexer.tokenStart;
    const top = this.stack[this.stack.length - 1]!;
    let slot = Slot.Ignored;
    if (top.kind === "entries") {
      slot = this.readEntryName(top, lexer.stringBuffer.subarray(lexer.stringStart, lexer.stringEnd), keyOffset);
    } else if (top.kind === "ignored-object") {
      this.refuseDuplicate(top.otherKeys!, keyOffset);
    } else if (top.kind === "node" || top.kind === "document") {
      for (const [key, keySlot] of top.kind === "node" ? NODE_KEYS : DOCUMENT_KEYS) {
        if (lexer.stringEquals(key)) slot = keySlot;
      }
      if (slot === Slot.Ignored) {
        top.otherKeys ??= new Set();
        this.refuseDuplicate(top.otherKeys, keyOffset);
      } else {
        if ((top.seen & (1 << slot)) !== 0) this.invalid(`duplicate key "${SLOT_KEYS[slot]!}"`, keyOffset);
        top.seen |= 1 << slot;
        if (top.kind === "node") {
          const owner = KEY_OWNERS[slot];
          if (owner !== undefined && top.type !== undefined && owner !== top.type)
            this.invalid(`a ${top.type} node must not have "${SLOT_KEYS[slot]!}"`, keyOffset);
        }
      }
    }
    lexer.expect(COLON, "':' after a member name");
    return slot;
  }

  /** Add the key just read to `keys`, refusing it when already there (keys compare as decoded bytes). */
  private refuseDuplicate(keys: Set<string>, offset: number): void {
    const lexer = this.lexer;
    const key = lexer.stringBuffer.toString("latin1", lexer.stringStart, lexer.stringEnd);
    if (keys.has(key))
      this.invalid(
        `duplicate key ${quoteForMessage(lexer.stringBuffer.toString("utf8", lexer.stringStart, lexer.stringEnd))}`,
        offset,
      );
    keys.add(key);
  }

  private readEntryName(frame: EntriesFrame, nameBytes: Buffer, offset: number): Slot {
    const name = nameBytes.toString("utf8");
    const problem = entryNameProblem(nameBytes);
    if (problem !== undefined) this.invalid(problem, offset, { kind: "entry", name });
    if (Object.hasOwn(frame.entries, name))
      this.invalid("duplicate entry name (names are compared after UTF-8 decoding)", offset, { kind: "entry", name });
    frame.pendingName = name;
    return Slot.Entry;
  }

  private openObject(slot: Slot): void {
    const offset = this.lexer.position - 1;
    switch (slot) {
      case Slot.Top:
        this.stack.push({ kind: "document", seen: 0, otherKeys: undefined, hasVersion: false, root: undefined });
        return;
      case Slot.Root:
        this.openNode(undefined, 0, offset);
        return;
      case Slot.Entry: {
        const entries = this.stack[this.stack.length - 1] as EntriesFrame;
        const parent = this.stack[this.stack.length - 2] as NodeFrame;
        this.openNode(entries.pendingName, parent.depth + 1, offset);
        return;
      }
      case Slot.Entries: {
        const node = this.stack[this.stack.length - 1] as NodeFrame;
        node.entries = Object.create(null) as Record<string, NarListingNode>;
        this.stack.push({ kind: "entries", entries: node.entries, pendingName: "" });
        return;
      }
      case Slot.Ignored:
        this.enterIgnored(offset);
        this.stack.push({ kind: "ignored-object", otherKeys: new Set() });
        return;
      default:
        this.wrongValue(slot, "an object", offset);
    }
  }

  private openArray(slot: Slot): void {
    const offset = this.lexer.position - 1;
    if (slot !== Slot.Ignored) this.wrongValue(slot, "an array", offset);
    this.enterIgnored(offset);
    this.stack.push({ kind: "ignored-array", otherKeys: undefined });
  }

  private enterIgnored(offset: number): void {
    if (++this.ignoredNesting > MAX_IGNORED_VALUE_NESTING) {
      this.fail(
        "LISTING_TOO_DEEP",
        `a value under an unknown key nests more than ${MAX_IGNORED_VALUE_NESTING} arrays/objects deep`,
        offset,
      );
    }
  }

  private openNode(name: string | undefined, depth: number, offset: number): void {
    if (depth > this.maxDepth) {
      this.fail(
        "LISTING_TOO_DEEP",
        `node is nested ${depth} levels deep; the limit is ${this.maxDepth}`,
        offset,
        name === undefined ? undefined : { kind: "entry", name },
      );
    }
    if (++this.nodeCount > this.maxEntries) {
      this.fail(
        "LISTING_TOO_MANY_ENTRIES",
        `listing has more than ${this.maxEntries} nodes`,
        offset,
        name === undefined ? undefined : { kind: "entry", name },
      );
    }
    this.stack.push({
      kind: "node",
      depth,
      name,
      seen: 0,
      otherKeys: undefined,
      type: undefined,
      size: undefined,
      executable: undefined,
      narOffset: undefined,
      target: undefined,
      entries: undefined,
    });
  }

  /** Pop the object or array just closed and hand what it built to its parent. */
  private close(): void {
    const frame = this.stack[this.stack.length - 1]!;
    const offset = this.lexer.position - 1;
    switch (frame.kind) {
      case "document":
        if (!frame.hasVersion) this.invalid('missing "version"', offset);
        if (frame.root === undefined) this.invalid('missing "root"', offset);
        this.result = { version: 1, root: frame.root! };
        break;
      case "node": {
        const node = this.finishNode(frame, offset);
        const parent = this.stack[this.stack.length - 2]!;
        if (parent.kind === "document") parent.root = node;
        else (parent as EntriesFrame).entries[(parent as EntriesFrame).pendingName] = node;
        break;
      }
      case "entries":
        break;
      case "ignored-object":
      case "ignored-array":
        this.ignoredNesting--;
        break;
    }
    this.stack.pop();
  }

  private finishNode(frame: NodeFrame, offset: number): NarListingNode {
    switch (frame.type) {
      case undefined:
        return this.invalid('a node must have a "type"', offset);
      case "regular": {
        if (frame.size === undefined) this.invalid('a regular node must have a "size"', offset);
        const node: NarListingNode = { type: "regular", size: frame.size! };
        if (frame.executable === true) node.executable = true;
        if (frame.narOffset !== undefined && frame.narOffset !== 0) node.narOffset = frame.narOffset;
        return node;
      }
      case "symlink":
        if (frame.target === undefined) this.invalid('a symlink node must have a "target"', offset);
        return { type: "symlink", target: frame.target! };
      case "directory":
        if (frame.entries === undefined) this.invalid('a directory node must have "entries"', offset);
        return { type: "directory", entries: frame.entries! };
    }
  }

  /** Read a string, number or literal and store it where `slot` says. */
  private readPrimitive(slot: Slot, first: number): void {
    const lexer = this.lexer;
    const offset = lexer.position;
    if (first === QUOTE) {
      lexer.readStringRange();
      if (slot === Slot.Ignored) return;
      if (slot === Slot.Type) return this.setType(this.stack[this.stack.length - 1] as NodeFrame, offset);
      const value = lexer.stringBuffer.subarray(lexer.stringStart, lexer.stringEnd);
      if (slot !== Slot.Target) return this.wrongValue(slot, quoteForMessage(value.toString("utf8")), offset);
      const problem = validateSymlinkTarget(value);
      if (problem !== undefined) this.invalid(problem, offset);
      (this.stack[this.stack.length - 1] as NodeFrame).target = value.toString("utf8");
    } else if (first === 0x2d || (first >= 0x30 && first <= 0x39)) {
      const value = lexer.readNumber();
      if (slot === Slot.Ignored) return;
      if (slot === Slot.Version) {
        if (value !== 1) this.wrongValue(slot, lexer.numberText(), offset);
        (this.stack[this.stack.length - 1] as DocumentFrame).hasVersion = true;
        return;
      }
      if (slot !== Slot.Size && slot !== Slot.NarOffset) return this.wrongValue(slot, lexer.numberText(), offset);
      if (value < 0) this.wrongValue(slot, lexer.numberText(), offset);
      if (value > Number.MAX_SAFE_INTEGER)
        this.invalid(
          `${SLOT_KEYS[slot]!} must be at most ${Number.MAX_SAFE_INTEGER}, got ${lexer.numberText()}`,
          offset,
        );
      const node = this.stack[this.stack.length - 1] as NodeFrame;
      if (slot === Slot.Size) node.size = value;
      else node.narOffset = value;
    } else if (first === -1) {
      this.syntax("unexpected end of the input, expected a value");
    } else {
      const value = lexer.readLiteral();
      if (slot === Slot.Ignored) return;
      if (slot !== Slot.Executable || value === null) return this.wrongValue(slot, String(value), offset);
      (this.stack[this.stack.length - 1] as NodeFrame).executable = value;
    }
  }

  /** Record the node type just read, refusing unknown types and keys read earlier that belong to another type. */
  private setType(node: NodeFrame, offset: number): void {
    const lexer = this.lexer;
    for (const [name, type] of NODE_TYPES) if (lexer.stringEquals(name)) node.type = type;
    if (node.type === undefined) {
      this.wrongValue(
        Slot.Type,
        quoteForMessage(lexer.stringBuffer.toString("utf8", lexer.stringStart, lexer.stringEnd)),
        offset,
      );
    }
    if ((node.seen & FOREIGN_KEYS[node.type!]) === 0) return;
    for (const [slot, owner] of OWNED_KEYS) {
      if ((node.seen & (1 << slot)) !== 0 && owner !== node.type)
        this.invalid(`a ${node.type} node must not have "${SLOT_KEYS[slot]!}"`, offset);
    }
  }

  /** Refuse a value of the wrong JSON type; a bad entry value is reported at the entry's own path. */
  private wrongValue(slot: Slot, described: string, offset: number): never {
    const top = this.stack[this.stack.length - 1];
    const step: ListingPathStep | undefined =
      slot === Slot.Entry ? { kind: "entry", name: (top as EntriesFrame).pendingName } : undefined;
    return this.invalid(`${SLOT_RULES[slot]}, got ${described}`, offset, step);
  }

  private syntax(rule: string): never {
    return this.fail("LISTING_NOT_JSON", `not valid JSON at byte ${this.lexer.position}: ${rule}`, this.lexer.position);
  }

  private invalid(rule: string, offset: number, step?: ListingPathStep): never {
    return this.fail("LISTING_INVALID", rule, offset, step);
  }

  private fail(code: NarErrorCode, rule: string, offset: number, step?: ListingPathStep): never {
    const steps: ListingPathStep[] = [];
    for (const frame of this.stack) {
      if (frame.kind === "node")
        steps.push(frame.name === undefined ? { kind: "root" } : { kind: "entry", name: frame.name });
      else if (frame.kind === "entries") steps.push({ kind: "entries" });
    }
    if (step !== undefined) steps.push(step);
    const path = formatListingPath(steps);
    const where = path === "" ? "" : `${path}: `;
    throw new NarError(code, `invalid NAR listing${this.source}: ${where}${rule}`, {
      offset,
      ...(path === "" ? {} : { path }),
    });
  }
}
