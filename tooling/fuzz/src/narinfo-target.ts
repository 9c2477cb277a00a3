// Fuzz target for @narwhal/store-path's parseNarInfo: random text and mutated valid narinfos (line swaps, duplicated
// and cut fields, hostile numbers and hashes); refusals must be NixFormatError subclasses (NarInfoParseError, ...).

import fc from "fast-check";
import { NIX32_ALPHABET, NixFormatError, parseNarInfo } from "@narwhal/store-path";
import { describeText, type FuzzTarget } from "./fuzz-target.js";
import { mutatedText } from "./mutations.js";

const nix32 = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...NIX32_ALPHABET), minLength: length, maxLength: length });
/** A sha256 digest in nix32: 52 characters, the first one 0 or 1 (the top 4 of 260 bits are zero). */
const sha256Nix32 = fc.tuple(fc.constantFrom("0", "1"), nix32(51)).map(([first, rest]) => first + rest);
const storePath = fc
  .tuple(nix32(32), fc.constantFrom("hello-2.12", "glibc-2.40-66", "d", "x.drv"))
  .map(([hash, name]) => `${hash}-${name}`);

const narinfo = fc
  .record({
    path: storePath,
    narHash: sha256Nix32,
    fileHash: sha256Nix32,
    compression: fc.constantFrom("xz", "zstd", "bzip2", "none", "br", ""),
    narSize: fc.integer({ min: 1, max: 2 ** 40 }),
    fileSize: fc.integer({ min: 1, max: 2 ** 40 }),
    references: fc.array(storePath, { maxLength: 4 }),
    deriver: fc.option(
      storePath.map((path) => `${path.replace(/\.drv$/, "")}.drv`),
      { nil: undefined },
    ),
    sigs: fc.array(
      nix32(20).map((key) => `cache.example.org-1:${Buffer.from(key.repeat(3)).toString("base64")}`),
      { maxLength: 2 },
    ),
    ca: fc.option(
      sha256Nix32.map((hash) => `fixed:r:sha256:${hash}`),
      { nil: undefined },
    ),
  })
  .map((info) =>
    [
      `StorePath: /nix/store/${info.path}`,
      `URL: nar/${info.fileHash}.nar${info.compression === "xz" ? ".xz" : ""}`,
      `Compression: ${info.compression}`,
      `FileHash: sha256:${info.fileHash}`,
      `FileSize: ${info.fileSize}`,
      `NarHash: sha256:${info.narHash}`,
      `NarSize: ${info.narSize}`,
      `References: ${info.references.join(" ")}`,
      ...(info.deriver === undefined ? [] : [`Deriver: ${info.deriver}`]),
      ...info.sigs.map((sig) => `Sig: ${sig}`),
      ...(info.ca === undefined ? [] : [`CA: ${info.ca}`]),
      "",
    ].join("\n"),
  );

const TOKENS = [
  "\n",
  "\r\n",
  ": ",
  ":",
  " ",
  "StorePath: ",
  "URL: ",
  "NarHash: ",
  "NarSize: ",
  "FileSize: ",
  "References: ",
  "Deriver: ",
  "Sig: ",
  "CA: ",
  "sha256:",
  "sha512:",
  "md5:",
  "sha256-",
  "/nix/store/",
  "/nix/store/../",
  "-",
  "0",
  "-1",
  "1e3",
  "18446744073709551616",
  "9007199254740993",
  "text:",
  "fixed:",
  "fixed:r:",
  "\u0000",
  "é",
  "%",
  "..",
];

/** Valid narinfos from a fixed seed, kept only if parseNarInfo accepts them (most do; the seeds must parse). */
export function seedNarInfos(count = 64): string[] {
  return fc.sample(narinfo, { numRuns: count, seed: 7 }).filter((text) => {
    try {
      parseNarInfo(text);
      return true;
    } catch {
      return false;
    }
  });
}

export function createNarInfoTarget(): FuzzTarget<string> {
  const seeds = seedNarInfos();
  if (seeds.length < 16)
    throw new Error(
      `only ${seeds.length} of 64 generated narinfo seeds parse; the generator no longer matches parseNarInfo`,
    );
  return {
    name: "narinfo (@narwhal/store-path parseNarInfo)",
    inputs: fc.oneof(
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 400 }) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((parts) => parts.join("")) },
      { weight: 8, arbitrary: mutatedText(seeds, TOKENS) },
    ),
    run(text) {
      parseNarInfo(text, { source: "fuzz.narinfo" });
      return "accepted";
    },
    isOwnError: (error) => error instanceof NixFormatError,
    describe: describeText,
  };
}
