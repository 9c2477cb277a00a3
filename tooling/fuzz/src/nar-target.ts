// Fuzz target for @narwhal/nar's NAR parser (parseNar): random bytes and mutated NARs written by writeNar, fed in
// two chunks; an accepted NAR must re-serialize through writeNar to exactly its own bytes.

import fc from "fast-check";
import { NarError, narToken, narU64, parseNar, writeNar, type NarWriteEvent } from "@narwhal/nar";
import { FuzzFinding, describeBytes, type FuzzTarget } from "./fuzz-target.js";
import { mutatedBytes } from "./mutations.js";

export interface NarInput {
  readonly bytes: Buffer;
  /** Where the bytes are split into two chunks (modulo length + 1). */
  readonly split: number;
}

interface Tree {
  readonly kind: "file" | "symlink" | "directory";
  readonly contents?: string;
  readonly executable?: boolean;
  readonly target?: string;
  readonly entries?: Record<string, Tree>;
}

const name = fc.constantFrom(
  "a",
  "b",
  "bin",
  "lib",
  "x.so",
  "é",
  "10",
  "2",
  "B",
  "-",
  "..a",
  "longer-name-for-padding",
);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small" },
    fc.record({ kind: fc.constant("file" as const), contents: fc.string({ maxLength: 40 }), executable: fc.boolean() }),
    fc.record({
      kind: fc.constant("symlink" as const),
      target: fc.constantFrom("a", "../lib", "/nix/store/x", "t".repeat(20)),
    }),
    fc.record({ kind: fc.constant("directory" as const), entries: fc.dictionary(name, tie("tree"), { maxKeys: 4 }) }),
  ),
}));

function* events(node: Tree, segments: Buffer[]): Generator<NarWriteEvent> {
  if (node.kind === "file") {
    const contents = Buffer.from(node.contents ?? "");
    yield { type: "file", segments, executable: node.executable ?? false, size: contents.length, contents: [contents] };
  } else if (node.kind === "symlink") {
    yield { type: "symlink", segments, target: node.target ?? "t" };
  } else {
    yield { type: "directory", segments };
    const names = Object.keys(node.entries ?? {})
      .map((entry) => Buffer.from(entry))
      .sort(Buffer.compare);
    for (const entry of names) yield* events(node.entries![entry.toString()]!, [...segments, entry]);
  }
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Valid NARs written by writeNar from `count` random trees (fixed seed, so runs are comparable). */
export async function seedNars(count = 64): Promise<Buffer[]> {
  const trees = fc.sample(tree, { numRuns: count, seed: 42 });
  return Promise.all(trees.map((root) => collect(writeNar(events(root, [])))));
}

const TOKENS: readonly Uint8Array[] = [
  ...[
    "nix-archive-1",
    "(",
    ")",
    "type",
    "regular",
    "directory",
    "symlink",
    "entry",
    "name",
    "node",
    "contents",
    "executable",
    "target",
    "",
    ".",
    "..",
    "a/b",
    "a\0b",
    "zzz",
  ].map((token) => narToken(token)),
  narU64(0),
  narU64(1),
  narU64(7),
  narU64(0xffffffff),
  narU64(Number.MAX_SAFE_INTEGER),
  Buffer.alloc(8, 0xff),
  Buffer.from([0x80]),
];

export async function createNarTarget(): Promise<FuzzTarget<NarInput>> {
  const seeds = await seedNars();
  const bytes = fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((array) => Buffer.from(array)) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 8, arbitrary: mutatedBytes(seeds, TOKENS) },
  );
  return {
    name: "NAR (@narwhal/nar parseNar)",
    inputs: fc.record({ bytes, split: fc.nat() }),
    async run({ bytes: input, split }): Promise<"accepted"> {
      const at = split % (input.length + 1);
      const parsed: NarWriteEvent[] = [];
      for await (const event of parseNar([input.subarray(0, at), input.subarray(at)])) {
        if (event.type !== "file") {
          parsed.push(event);
          continue;
        }
        const contents = await collect(event.contents);
        parsed.push({
          type: "file",
          segments: event.segments,
          executable: event.executable,
          size: event.size,
          contents: [contents],
        });
      }
      const rewritten = await collect(writeNar(parsed));
      if (!rewritten.equals(input))
        throw new FuzzFinding(`accepted NAR re-serializes to different bytes (${rewritten.length} vs ${input.length})`);
      return "accepted";
    },
    isOwnError: (error) => error instanceof NarError,
    describe: ({ bytes: input, split }) => `${describeBytes(input)} split at ${split % (input.length + 1)}`,
  };
}
