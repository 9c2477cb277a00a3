// Reading `.narinfo` text with the rules of Nix's parser (nar-info.cc), line by line: last value wins, empty CA is
// no CA, unknown lines kept in order; errors name the source, the line and the broken rule instead of "corrupt".

import { type ContentAddress, parseContentAddress } from "./content-address.js";
import { NarInfoParseError } from "./errors.js";
import { type Hash, parseHash } from "./hash.js";
import type { NarInfo } from "./narinfo.js";
import { NARINFO_COMPRESSIONS, checkSignatureText } from "./narinfo-rules.js";
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

export function parseNarInfo(text: string, options: ParseNarInfoOptions = {}): NarInfo {
  const source = options.source ?? "narinfo";
  const storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
  const lines = text.split("\n");
  // Nix needs a '\n' after every value ("expecting '\n'"), the last one included.
  const unterminated = lines.pop();
  if (unterminated !== "") {
    throw new NarInfoParseError(
      source,
      lines.length + 1,
      unterminated!,
      `the last line must end with '\\n' (Nix: "expecting '\\n'")`,
    );
  }

  let storePath: StorePath | undefined;
  let storePathLine = 0;
  let url = "";
  let compression = "";
  let fileHash: Hash | undefined;
  let fileSize: number | undefined;
  let narHash: Hash | undefined;
  let narSize = 0;
  let references: StorePath[] = [];
  let deriver: StorePath | undefined;
  let ca: ContentAddress | undefined;
  const sigs: string[] = [];
  const extraFields: [string, string][] = [];

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

    // Nix searches for the ':' across line ends and reads the value from two characters after it; a line without
    // ": " would make it swallow (part of) the next line or drop a character, so such lines are refused here.
    const colon = line.indexOf(":");
    if (colon < 0) fail(`line has no ':' (expected "Key: value")`);
    const key = line.slice(0, colon);
    if (line[colon + 1] !== " ") {
      fail(`expected ": " after key ${JSON.stringify(key)} (Nix reads the value from two characters after the ':')`);
    }
    const value = line.slice(colon + 2);

    switch (key) {
      case "StorePath":
        storePath = attempt("bad StorePath", () => parseStorePath(value, storeDir));
        storePathLine = lineNumber;
        break;
      case "URL":
        url = value;
        break;
      case "Compression":
        if (value !== "" && !NARINFO_COMPRESSIONS.has(value)) {
          fail(`invalid Compression ${JSON.stringify(value)}; Nix knows ${[...NARINFO_COMPRESSIONS].join(", ")}`);
        }
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
        break;
      case "References":
        if (references.length > 0) fail("extra References line after one that listed references");
        references = value
          .split(" ")
          .filter((token) => token !== "")
          .map((token) => attempt("bad reference", () => parseStorePathBaseName(token, storeDir)));
        break;
      case "Deriver":
        if (value !== "unknown-deriver")
          deriver = attempt("bad Deriver", () => parseStorePathBaseName(value, storeDir));
        break;
      case "Sig": {
        const problem = checkSignatureText(value);
        if (problem !== undefined) fail(`bad Sig: ${problem}`);
        sigs.push(value);
        break;
      }
      case "CA":
        if (ca !== undefined) fail("extra CA line after one that gave a content address");
        if (value !== "") ca = attempt("bad CA", () => parseContentAddress(value));
        break;
      default:
        extraFields.push([key, value]); // Nix ignores unknown lines; narwhal keeps them so copies keep them
        break;
    }
  });

  const missing = (rule: string): never => {
    throw new NarInfoParseError(source, 0, text, rule);
  };
  if (storePath === undefined) missing("required field StorePath is missing");
  if (narHash === undefined) missing("required field NarHash is missing");
  if (url === "") missing("required field URL is missing or empty");
  if (narSize === 0) missing("required field NarSize is missing or 0");
  if (options.expectedHashPart !== undefined && storePath!.hashPart !== options.expectedHashPart) {
    throw new NarInfoParseError(
      source,
      storePathLine,
      `StorePath: ${storePath!.path}`,
      `StorePath hash part ${storePath!.hashPart} does not match the requested ${options.expectedHashPart}`,
    );
  }

  const info: NarInfo = {
    storePath: storePath!,
    url,
    compression: compression === "" ? "bzip2" : compression,
    narHash: narHash!,
    narSize,
    references,
    sigs,
  };
  if (fileHash !== undefined) info.fileHash = fileHash;
  if (fileSize !== undefined) info.fileSize = fileSize;
  if (deriver !== undefined) info.deriver = deriver;
  if (ca !== undefined) info.ca = ca;
  if (extraFields.length > 0) info.extraFields = extraFields;
  return info;
}

/** Nix's string2Int<uint64_t> (boost::lexical_cast): decimal digits, optionally after one '+'; no '-'. */
function parseSize(value: string, field: string, fail: (rule: string) => never): number {
  if (!/^\+?[0-9]+$/.test(value)) fail(`${field} must be a non-negative decimal integer`);
  const size = Number(value);
  if (!Number.isSafeInteger(size))
    fail(`${field} exceeds ${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest supported size`);
  return size;
}
