// Fuzz target for @narwhal/nar's parseNarListing: random text and bytes, hostile nesting, and mutated `.ls`
// listings of random trees; refusals must be NarErrors with a LISTING_* code.

import fc from "fast-check";
import { NarError, formatNarListing, listNar, parseNarListing } from "@narwhal/nar";
import { describeBytes, describeText, type FuzzTarget } from "./fuzz-target.js";
import { mutatedBytes, mutatedText } from "./mutations.js";
import { seedNars } from "./nar-target.js";

const TOKENS = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "\\",
  "\\u0000",
  "\\ud800",
  "\\u00e9",
  "-",
  "0",
  "-0",
  "1.5",
  "1e309",
  "9007199254740992",
  "null",
  "true",
  "false",
  '"type"',
  '"regular"',
  '"directory"',
  '"symlink"',
  '"entries"',
  '"size"',
  '"executable"',
  '"narOffset"',
  '"target"',
  '"version"',
  '"root"',
  '"__proto__"',
  '".."',
  '"a/b"',
  '{"type":"directory","entries":{',
  "\u0000",
  "\u00ff",
  " ",
];

/** Deep nesting of one opening fragment, never closed or closed: depth is what the parser must bound. */
const nested = fc
  .tuple(
    fc.constantFrom("[", '{"a":', '{"type":"directory","entries":{"a":'),
    fc.integer({ min: 1, max: 3000 }),
    fc.boolean(),
  )
  .map(([open, depth, wrapped]) => `${wrapped ? '{"version":1,"root":' : ""}${open.repeat(depth)}`);

export async function createListingTarget(): Promise<FuzzTarget<string | Buffer>> {
  const listings = await Promise.all((await seedNars()).map((nar) => listNar([nar])));
  const seeds = listings.flatMap((listing) => [
    formatNarListing(listing),
    formatNarListing(listing, { keyOrder: "sorted" }),
  ]);
  return {
    name: "NAR listing .ls (@narwhal/nar parseNarListing)",
    inputs: fc.oneof(
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 4 }).map((json) => `{"version":1,"root":${json}}`) },
      { weight: 1, arbitrary: nested },
      { weight: 6, arbitrary: mutatedText(seeds, TOKENS) },
      {
        weight: 2,
        arbitrary: mutatedBytes(
          seeds.map((seed) => Buffer.from(seed)),
          TOKENS.map((token) => Buffer.from(token)),
        ),
      },
    ),
    run(input) {
      parseNarListing(input, { source: "fuzz.ls" });
      return "accepted";
    },
    isOwnError: (error) => error instanceof NarError && error.code.startsWith("LISTING_"),
    describe: (input) => (typeof input === "string" ? describeText(input) : describeBytes(input)),
  };
}
