// Reading `.narinfo` text as Nix does (`Key: value` lines, unknown keys ignored, bzip2 default), but with
// errors that name the source, the line and the broken rule instead of a generic "corrupt" message.

import { type ContentAddress, parseContentAddress } from "./content-address.js";
import { NarInfoParseError } from "./errors.js";
import { type Hash, parseHash } from "./hash.js";
import type { NarInfo } from "./narinfo.js";
import { DEFAULT_STORE_DIR } from "./store-dir.js";
import { type StorePath, parseStorePath, parseStorePathBaseName } from "./store-path.js";

export interface ParseNarInfoOptions {
  /** Store directory the paths must belong to. Default /nix/store. */
  storeDir?: string;
  /** When given, StorePath must have this hash part (e.g. the one in the object key). */
  expectedHashPart?: string;
  /** Where the text came from (object key, URL, file name); used in error messages. */
  source?: string;
}

const SINGLE_VALUED_KEYS = new Set([
  "StorePath", "URL", "Compression", "FileHash", "FileSize", "NarHash", "NarSize", "References", "Deriver", "CA",
]);

export function parseNarInfo(text: string, options: ParseNarInfoOptions = {}): NarInfo {
  const source = options.source ?? "narinfo";
  const storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();

  const seen = new Map<string, number>();
  let storePath: StorePath | undefined;
  let url: string | undefined;
  let compression = "";
  let fileHash: Hash | undefined;
  let fileSize: number | undefined;
  let narHash: Hash | undefined;
  let narSize: number | undefined;
  let references: StorePath[] = [];
  let deriver: StorePath | undefined;
  let ca: ContentAddress | undefined;
  const sigs: string[] = [];

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const fail = (rule: string, cause?: unknown): never => {
      const error = new NarInfoParseError(source, lineNumber, line, rule);
      if (cause !== undefined) error.cause = cause;
      throw error;
    };
    const attempt = <T>(what: string, parse: () => T): T => {
      try {
        return parse();
      } catch (error) {
        return fail(`${what}: ${(error as Error).message}`, error);
      }
    };

    const colon = line.indexOf(":");
    if (colon < 0) fail(`line has no ':' (expected "Key: value")`);
    const key = line.slice(0, colon);
    if (colon + 1 < line.length && line[colon + 1] !== " ") fail(`expected ": " after key ${JSON.stringify(key)}`);
    const value = line.slice(colon + 2);

    if (SINGLE_VALUED_KEYS.has(key)) {
      const previous = seen.get(key);
      if (previous !== undefined) fail(`duplicate ${key} line (first on line ${previous})`);
      seen.set(key, lineNumber);
    }

    switch (key) {
      case "StorePath":
        storePath = attempt("bad StorePath", () => parseStorePath(value, storeDir));
        if (options.expectedHashPart !== undefined && storePath.hashPart !== options.expectedHashPart) {
          fail(`StorePath hash part ${storePath.hashPart} does not match the requested ${options.expectedHashPart}`);
        }
        break;
      case "URL":
        if (value === "") fail("URL must not be empty");
        url = value;
        break;
      case "Compression":
        compression = value;
        break;
      case "FileHash":
        fileHash = attempt("bad FileHash", () => parseHash(value));
        break;
      case "FileSize":
        fileSize = parseSize(value, "FileSize", fail);
        break;
      case "NarHash":
        narHash = attempt("bad NarHash", () => parseHash(value));
        break;
      case "NarSize":
        narSize = parseSize(value, "NarSize", fail);
        if (narSize === 0) fail("NarSize must not be 0");
        break;
      case "References":
        references = value
          .split(" ")
          .filter((token) => token !== "")
          .map((token) => attempt("bad reference", () => parseStorePathBaseName(token, storeDir)));
        break;
      case "Deriver":
        if (value !== "unknown-deriver") deriver = attempt("bad Deriver", () => parseStorePathBaseName(value, storeDir));
        break;
      case "Sig":
        if (value === "") fail("Sig must not be empty");
        sigs.push(value);
        break;
      case "CA":
        ca = attempt("bad CA", () => parseContentAddress(value));
        break;
      default:
        break; // unknown keys are ignored, as Nix does
    }
  });

  const missing = (field: string): never => {
    throw new NarInfoParseError(source, 0, text, `required field ${field} is missing`);
  };
  const info: NarInfo = {
    storePath: storePath ?? missing("StorePath"),
    url: url ?? missing("URL"),
    compression: compression === "" ? "bzip2" : compression,
    narHash: narHash ?? missing("NarHash"),
    narSize: narSize ?? missing("NarSize"),
    references,
    sigs,
  };
  if (fileHash !== undefined) info.fileHash = fileHash;
  if (fileSize !== undefined) info.fileSize = fileSize;
  if (deriver !== undefined) info.deriver = deriver;
  if (ca !== undefined) info.ca = ca;
  return info;
}

function parseSize(value: string, field: string, fail: (rule: string) => never): number {
  if (!/^[0-9]+$/.test(value)) fail(`${field} must be a non-negative decimal integer`);
  const size = Number(value);
  if (!Number.isSafeInteger(size)) fail(`${field} exceeds ${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest supported size`);
  return size;
}
