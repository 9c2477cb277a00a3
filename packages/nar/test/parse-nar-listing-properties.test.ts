// parseNarListing against its inverse and against JSON.parse: listings of real directories and random trees round-trip
// through formatNarListing, and on valid or mutated JSON it agrees with JSON.parse or refuses with a NarError.

import { mkdir, symlink, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withTempDir } from "@narwhal/test-kit";
import {
  NarError,
  dumpPath,
  entryNameProblem,
  formatNarListing,
  listNar,
  parseNarListing,
  validateSymlinkTarget,
  type NarListing,
  type NarListingNode,
} from "../src/index.js";

const REAL_DIRECTORY = "/usr/share/doc";

async function roundTrips(listing: NarListing): Promise<void> {
  for (const keyOrder of ["nix", "sorted"] as const) {
    const text = formatNarListing(listing, { keyOrder });
    const parsed = parseNarListing(text);
    expect(parsed).toEqual(listing);
    expect(formatNarListing(parsed, { keyOrder })).toBe(text);
  }
}

describe("parseNarListing round-trips formatNarListing", () => {
  it(`on the listing of ${REAL_DIRECTORY} made by listNar`, async () => {
    const listing = await listNar(dumpPath(REAL_DIRECTORY));
    expect(listing.root.type === "directory" && Object.keys(listing.root.entries).length).toBeGreaterThan(10);
    await roundTrips(listing);
  });

  it("on a directory with byte-order traps, JSON escapes, control characters, an executable and symlinks", async () => {
    await withTempDir(async (dir) => {
      const root = join(dir, "tree");
      await mkdir(join(root, "sub/deeper"), { recursive: true });
      for (const name of [
        "10",
        "2",
        "B",
        "a",
        "\u00e9",
        "\u{1F600}",
        'we"ird\\name',
        "ctl\u0001\u001f\u007f\nx",
        "__proto__",
      ]) {
        await writeFile(join(root, name), name);
      }
      await writeFile(join(root, "sub/run"), "#!/bin/sh\n");
      await chmod(join(root, "sub/run"), 0o755);
      await symlink("../a", join(root, "sub/link"));
      await symlink("tab\there", join(root, "sub/deeper/tablink"));
      await roundTrips(await listNar(dumpPath(root)));
    });
  });
});

const entryName = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
  .filter((name) => entryNameProblem(Buffer.from(name)) === undefined);
const target = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 20 })
  .filter((text) => validateSymlinkTarget(Buffer.from(text)) === undefined);

const { node: arbitraryNode } = fc.letrec<{ node: NarListingNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record(
      {
        type: fc.constant("regular" as const),
        size: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        executable: fc.constant(true as const),
        narOffset: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      },
      { requiredKeys: ["type", "size"] },
    ),
    fc.record({ type: fc.constant("symlink" as const), target }),
    fc.record({
      type: fc.constant("directory" as const),
      entries: fc
        .dictionary(entryName, tie("node"), { maxKeys: 5 })
        .map((entries) => Object.assign(Object.create(null) as Record<string, NarListingNode>, entries)),
    }),
  ),
}));
const arbitraryListing: fc.Arbitrary<NarListing> = arbitraryNode.map((root) => ({ version: 1, root }));

/**
 * What parseNarListing must return for JSON that JSON.parse read as `value`: Nix's optional forms dropped, unknown
 * keys ignored, and strings as they come out of UTF-8 (a raw lone surrogate in the text becomes U+FFFD).
 */
function expectedListing(value: { root: unknown }): NarListing {
  return { version: 1, root: expectedNode(value.root as Record<string, unknown>) };
}
function expectedNode(node: Record<string, unknown>): NarListingNode {
  if (node.type === "regular") {
    return {
      type: "regular",
      size: node.size as number,
      ...(node.executable === true ? { executable: true as const } : {}),
      ...(node.narOffset !== undefined && node.narOffset !== 0 ? { narOffset: node.narOffset as number } : {}),
    };
  }
  if (node.type === "symlink") return { type: "symlink", target: viaUtf8(node.target as string) };
  const entries = Object.create(null) as Record<string, NarListingNode>;
  for (const [name, child] of Object.entries(node.entries as Record<string, Record<string, unknown>>))
    entries[viaUtf8(name)] = expectedNode(child);
  return { type: "directory", entries };
}

function viaUtf8(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

/** parseNarListing's outcome, failing the property on anything but a listing or a NarError. */
function outcome(text: string | Uint8Array): NarListing | NarError {
  try {
    return parseNarListing(text);
  } catch (error) {
    if (error instanceof NarError && error.code.startsWith("LISTING_")) return error;
    throw error;
  }
}

/** Text edits that keep most of a valid listing: replace, delete or insert characters, truncate. */
const edit = fc.oneof(
  fc.record({
    kind: fc.constant("replace" as const),
    at: fc.nat(),
    text: fc.constantFrom(
      "",
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      '"',
      "\\",
      "-",
      "0",
      "1e5",
      "null",
      "true",
      '"type"',
      '"regular"',
      '"entries"',
      "\u0000",
      "\u00ff",
      "\ud800",
    ),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);
function applyEdit(text: string, change: typeof edit extends fc.Arbitrary<infer Edit> ? Edit : never): string {
  const at = change.at % (text.length + 1);
  if (change.kind === "truncate") return text.slice(0, at);
  if (change.kind === "duplicate") return text.slice(0, at) + text.slice(at, at + change.length) + text.slice(at);
  return text.slice(0, at) + change.text + text.slice(at + 1);
}

describe("parseNarListing properties", () => {
  it("parse(format(listing)) is the listing, in both key orders", () => {
    fc.assert(
      fc.property(arbitraryListing, fc.constantFrom("nix" as const, "sorted" as const), (listing, keyOrder) => {
        const text = formatNarListing(listing, { keyOrder });
        expect(parseNarListing(text)).toEqual(listing);
        expect(parseNarListing(Buffer.from(text))).toEqual(listing);
      }),
      { numRuns: 300 },
    );
  });

  it("on any valid JSON (as the root, or under an unknown key) never reports a syntax error, and agrees with JSON.parse", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, asRoot) => {
        const text = asRoot
          ? JSON.stringify({ version: 1, root: value })
          : JSON.stringify({ version: 1, extra: value, root: { type: "regular", size: 1 } });
        const result = outcome(text);
        if (result instanceof NarError) expect(result.code).not.toBe("LISTING_NOT_JSON");
        else expect(result).toEqual(expectedListing(JSON.parse(text) as { root: unknown }));
      }),
      { numRuns: 500 },
    );
  });

  it("on edited valid listings either refuses with a NarError or returns what JSON.parse reads", () => {
    fc.assert(
      fc.property(arbitraryListing, fc.array(edit, { minLength: 1, maxLength: 4 }), (listing, edits) => {
        const text = edits.reduce(applyEdit, formatNarListing(listing));
        const result = outcome(text);
        if (!(result instanceof NarError))
          expect(result).toEqual(expectedListing(JSON.parse(text) as { root: unknown }));
      }),
      { numRuns: 1000 },
    );
  });

  it("on arbitrary bytes and strings returns or refuses with a NarError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.uint8Array()), (input) => void outcome(input)),
      { numRuns: 1000 },
    );
  });
});
