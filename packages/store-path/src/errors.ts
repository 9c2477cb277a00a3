// Typed errors for every format this package parses or builds.
// Each error carries a stable `code`, the input it refused and a message naming the rule that input broke.

export type NixFormatErrorCode =
  | "ERR_NIX32"
  | "ERR_HASH"
  | "ERR_STORE_DIR"
  | "ERR_STORE_PATH"
  | "ERR_STORE_PATH_CONSTRUCTION"
  | "ERR_CONTENT_ADDRESS"
  | "ERR_NARINFO_PARSE"
  | "ERR_NARINFO_FORMAT"
  | "ERR_FINGERPRINT"
  | "ERR_NIX_CACHE_INFO"
  | "ERR_DERIVATION";

/** Base class: a string or value did not follow one of Nix's format rules. */
export class NixFormatError extends Error {
  readonly code: NixFormatErrorCode;
  /** The offending input (string form), for logs and tests. */
  readonly input: string;
  /** The rule the input broke, without the input itself. */
  readonly rule: string;

  constructor(code: NixFormatErrorCode, input: string, rule: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
    this.rule = rule;
  }
}

export class Nix32Error extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_NIX32", input, rule, `invalid nix32 string ${quote(input)}: ${rule}`);
  }
}

export class HashFormatError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_HASH", input, rule, `invalid hash ${quote(input)}: ${rule}`);
  }
}

export class StoreDirError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_STORE_DIR", input, rule, `invalid store directory ${quote(input)}: ${rule}`);
  }
}

export class StorePathError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_STORE_PATH", input, rule, `invalid store path ${quote(input)}: ${rule}`);
  }
}

export class StorePathConstructionError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_STORE_PATH_CONSTRUCTION", input, rule, `cannot compute store path for ${quote(input)}: ${rule}`);
  }
}

export class ContentAddressError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_CONTENT_ADDRESS", input, rule, `invalid content address ${quote(input)}: ${rule}`);
  }
}

/** A narinfo text was refused; names the source (e.g. the object key) and the 1-based line. */
export class NarInfoParseError extends NixFormatError {
  readonly source: string;
  /** 1-based line number, or 0 when the problem concerns the whole file (e.g. a missing field). */
  readonly line: number;

  constructor(source: string, line: number, input: string, rule: string) {
    const where = line > 0 ? `${source}:${line}` : source;
    super("ERR_NARINFO_PARSE", input, rule, `invalid narinfo ${where}: ${rule}`);
    this.source = source;
    this.line = line;
  }
}

export class NarInfoFormatError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_NARINFO_FORMAT", input, rule, `cannot write narinfo for ${quote(input)}: ${rule}`);
  }
}

export class FingerprintError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_FINGERPRINT", input, rule, `cannot compute fingerprint of ${quote(input)}: ${rule}`);
  }
}

export class NixCacheInfoError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_NIX_CACHE_INFO", input, rule, `invalid nix-cache-info ${quote(input)}: ${rule}`);
  }
}

/** JSON-quotes a value for messages and truncates very long inputs so errors stay readable. */
export function quote(value: string): string {
  const limit = 200;
  const shown = value.length > limit ? `${value.slice(0, limit)}…` : value;
  return JSON.stringify(shown);
}
