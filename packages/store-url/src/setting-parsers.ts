// Reads one setting's text into its typed value and writes it back, per value kind (bool, int, choice, list, path).
// Accepts what Nix's setting parsers accept; writes the plainest form every Nix version reads (plain decimal, true/false).

import { posix } from "node:path";
import { StoreUrlError } from "./errors.js";
import { checkS3Endpoint } from "./s3-endpoint.js";
import type { SettingDescriptor, SettingName, StoreSettings } from "./settings-table.js";

const TRUE_WORDS = ["true", "yes", "1"];
const FALSE_WORDS = ["false", "no", "0"];

/** Nix booleans: exactly true/yes/1 or false/no/0 (case-sensitive). */
export function parseBooleanSetting(setting: string, text: string): boolean {
  if (TRUE_WORDS.includes(text)) return true;
  if (FALSE_WORDS.includes(text)) return false;
  throw new StoreUrlError(
    "INVALID_BOOLEAN",
    `store URL setting '${setting}' has invalid boolean value '${text}'; valid: ${[...TRUE_WORDS, ...FALSE_WORDS].join(", ")}`,
    { setting, value: text },
  );
}

const UNIT_SHIFT: Record<string, bigint> = { "": 0n, K: 10n, M: 20n, G: 30n, T: 40n };

/**
 * Nix integers: optional sign, decimal digits, optional binary unit suffix K/M/G/T (either case, x1024^n).
 * The suffix is accepted by Nix >= 2.4-era string2IntWithUnitPrefix; Nix 2.8's store settings refuse it, so
 * formatStoreUrl always writes plain decimal.
 */
export function parseIntegerSetting(
  setting: string,
  text: string,
  min: number,
  max: number,
  limitRule?: string,
): number {
  const match = /^([+-]?)([0-9]+)([KMGTkmgt]?)$/.exec(text);
  const rule =
    `expected a decimal integer from ${min} to ${max}, optionally followed by K, M, G or T (binary multiples)` +
    (limitRule === undefined ? "" : `; ${limitRule}`);
  if (match === null) {
    throw new StoreUrlError(
      "INVALID_INTEGER",
      `store URL setting '${setting}' has invalid integer value '${text}'; ${rule}`,
      {
        setting,
        value: text,
      },
    );
  }
  const [, sign = "", digits = "0", unit = ""] = match;
  const magnitude = BigInt(digits) << (UNIT_SHIFT[unit.toUpperCase()] ?? 0n);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value < BigInt(min) || value > BigInt(max)) {
    throw new StoreUrlError(
      "INVALID_INTEGER",
      `store URL setting '${setting}' has out-of-range integer value '${text}'; ${rule}`,
      { setting, value: text },
    );
  }
  return Number(value);
}

/** Lists the valid values of a choice setting for messages, showing the empty string as '' (off). */
export function describeChoices(choices: readonly string[]): string {
  return choices.map((choice) => (choice === "" ? "'' (off)" : choice)).join(", ");
}

export function parseChoiceSetting(setting: string, text: string, choices: readonly string[]): string {
  if (choices.includes(text)) return text;
  const hint = text === "none" && choices.includes("") ? " (use an empty value to turn it off)" : "";
  throw new StoreUrlError(
    "INVALID_VALUE",
    `store URL setting '${setting}' has invalid value '${text}'; valid: ${describeChoices(choices)}${hint}`,
    { setting, value: text },
  );
}

/** RFC 9110 token characters: what an HTTP header value such as x-amz-storage-class can carry unquoted. */
const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * S3 storage class: empty (the bucket's default, as Nix reads an empty optional setting) or a header token such as
 * STANDARD or GLACIER_IR. Nix passes any text through to x-amz-storage-class; narwhal refuses what could not be a
 * header value, and leaves which classes exist to the server (it answers InvalidStorageClass).
 */
export function parseStorageClassSetting(setting: string, text: string): string {
  if (text === "" || HEADER_TOKEN.test(text)) return text;
  throw new StoreUrlError(
    "INVALID_VALUE",
    `store URL setting '${setting}' has invalid value '${text}'; expected an S3 storage class name such as STANDARD, ` +
      "REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE or GLACIER_IR " +
      "(letters, digits and _ . - only; empty = the bucket's default)",
    { setting, value: text },
  );
}

/** Absolute path, canonicalised like Nix does (no '.', '..', repeated or trailing slashes). */
export function parseAbsolutePathSetting(setting: string, text: string): string {
  if (!text.startsWith("/")) {
    throw new StoreUrlError(
      "INVALID_VALUE",
      `store URL setting '${setting}' has invalid value '${text}'; it must be an absolute path (starting with '/')`,
      { setting, value: text },
    );
  }
  const normal = posix.normalize(text);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** Comma-separated list; empty items are dropped, as Nix's tokenizer does. */
export function parseCommaListSetting(text: string): string[] {
  return text.split(",").filter((item) => item !== "");
}

/** Whitespace-separated set; empty items dropped, duplicates removed, first-seen order kept. */
export function parseSpaceSetSetting(text: string): string[] {
  return [...new Set(text.split(/[ \t\r\n]+/).filter((item) => item !== ""))];
}

/** Parses the text of one setting into its typed value; messages name `spelling` (an alias as written) if given. */
export function parseSettingValue<K extends SettingName>(
  descriptor: SettingDescriptor & { name: K },
  text: string,
  spelling?: string,
): StoreSettings[K] {
  return parseAnySettingValue(descriptor, text, spelling) as StoreSettings[K];
}

function parseAnySettingValue(
  descriptor: SettingDescriptor,
  text: string,
  spelling?: string,
): StoreSettings[SettingName] {
  const setting = spelling ?? descriptor.name;
  const kind = descriptor.value;
  switch (kind.kind) {
    case "bool":
      return parseBooleanSetting(setting, text);
    case "int":
      return parseIntegerSetting(setting, text, kind.min, kind.max, kind.rule);
    case "string":
      return text;
    case "choice":
      return parseChoiceSetting(setting, text, kind.choices) as StoreSettings[SettingName];
    case "absolute-path":
      return parseAbsolutePathSetting(setting, text);
    case "comma-list":
      return parseCommaListSetting(text);
    case "space-set":
      return parseSpaceSetSetting(text);
    case "s3-endpoint":
      checkS3Endpoint(setting, text);
      return text;
    case "storage-class":
      return parseStorageClassSetting(setting, text);
  }
}

function unrepresentable(setting: string, item: string, rule: string): StoreUrlError {
  return new StoreUrlError(
    "UNREPRESENTABLE_VALUE",
    `store URL setting '${setting}' cannot hold item '${item}'; ${rule}`,
    { setting, value: item },
  );
}

/**
 * Writes a typed value back as setting text (before percent-encoding). Refuses values that could not be read
 * back: list items that are empty or contain the separator, and anything parseSettingValue would refuse.
 */
export function formatSettingValue(descriptor: SettingDescriptor, value: unknown): string {
  const setting = descriptor.name;
  let text: string;
  if (Array.isArray(value)) {
    const spaced = descriptor.value.kind === "space-set";
    for (const item of value as unknown[]) {
      if (typeof item !== "string" || item === "")
        throw unrepresentable(setting, String(item), "items must be non-empty strings");
      if (spaced ? /[ \t\r\n]/.test(item) : item.includes(",")) {
        throw unrepresentable(
          setting,
          item,
          spaced ? "items are separated by whitespace" : "items are separated by commas",
        );
      }
    }
    text = value.join(spaced ? " " : ",");
  } else if (typeof value === "boolean") {
    text = value ? "true" : "false";
  } else if (typeof value === "number") {
    text = Number.isInteger(value) ? value.toFixed(0) : String(value);
  } else {
    text = String(value);
  }
  parseAnySettingValue(descriptor, text);
  return text;
}
