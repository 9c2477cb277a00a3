// Writing `.narinfo` text byte-compatible with Nix: fixed field order, `References: ` always present,
// optional fields only when known, extra (unknown) fields last. Refuses values that would corrupt the line format.

import { formatContentAddress } from "./content-address.js";
import { NarInfoFormatError } from "./errors.js";
import { formatHash } from "./hash.js";
import type { NarInfo } from "./narinfo.js";
import { NARINFO_KNOWN_KEYS } from "./narinfo-rules.js";
import type { StorePath } from "./store-path.js";

export function formatNarInfo(info: NarInfo): string {
  const subject = info.storePath.path;
  const fail = (rule: string): never => {
    throw new NarInfoFormatError(subject, rule);
  };
  const lineValue = (field: string, value: string): string => {
    if (value === "") fail(`${field} must not be empty`);
    if (/[\r\n]/.test(value)) fail(`${field} must not contain a line break: ${JSON.stringify(value)}`);
    return value;
  };
  const size = (field: string, value: number, allowZero: boolean): string => {
    if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
      fail(`${field} must be a ${allowZero ? "non-negative" : "positive"} safe integer, got ${value}`);
    }
    return String(value);
  };
  const baseName = (field: string, path: StorePath): string => {
    if (path.storeDir !== info.storePath.storeDir) {
      fail(`${field} ${path.path} is not in store directory ${info.storePath.storeDir}`);
    }
    return path.baseName;
  };

  if (info.narHash.algorithm !== "sha256") fail(`NarHash must be sha256, got ${info.narHash.algorithm}`);
  if (info.fileHash !== undefined && info.fileHash.algorithm !== "sha256") {
    fail(`FileHash must be sha256, got ${info.fileHash.algorithm}`);
  }

  let text = `StorePath: ${subject}\n`;
  text += `URL: ${lineValue("URL", info.url)}\n`;
  text += `Compression: ${lineValue("Compression", info.compression)}\n`;
  if (info.fileHash !== undefined) text += `FileHash: ${formatHash(info.fileHash)}\n`;
  if (info.fileSize !== undefined) text += `FileSize: ${size("FileSize", info.fileSize, true)}\n`;
  text += `NarHash: ${formatHash(info.narHash)}\n`;
  text += `NarSize: ${size("NarSize", info.narSize, false)}\n`;
  text += `References: ${info.references.map((reference) => baseName("reference", reference)).join(" ")}\n`;
  if (info.deriver !== undefined) text += `Deriver: ${baseName("Deriver", info.deriver)}\n`;
  for (const sig of info.sigs) text += `Sig: ${lineValue("Sig", sig)}\n`;
  if (info.ca !== undefined) text += `CA: ${formatContentAddress(info.ca)}\n`;
  for (const [key, value] of info.extraFields ?? []) {
    if (NARINFO_KNOWN_KEYS.has(key))
      fail(`extra field ${JSON.stringify(key)} is a known narinfo field; set it on the NarInfo instead`);
    if (/[:\n]/.test(key)) fail(`extra field name ${JSON.stringify(key)} must not contain ':' or a line break`);
    if (value.includes("\n")) fail(`extra field ${key} must not contain a line break: ${JSON.stringify(value)}`);
    text += `${key}: ${value}\n`;
  }
  return text;
}
