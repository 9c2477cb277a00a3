// The `nix-cache-info` file at a binary cache's root: StoreDir, WantMassQuery and Priority as
// `Key: value` lines. Parsing follows Nix (values trimmed, unknown keys and lines without ':' ignored).

import { NixCacheInfoError } from "./errors.js";
import { validateStoreDir } from "./store-dir.js";

export interface NixCacheInfo {
  storeDir?: string;
  wantMassQuery?: boolean;
  /** Lower is preferred. */
  priority?: number;
}

export interface ParseNixCacheInfoOptions {
  /** When given, a StoreDir line must equal it (Nix refuses caches for another store directory). */
  expectedStoreDir?: string;
}

export function parseNixCacheInfo(text: string, options: ParseNixCacheInfoOptions = {}): NixCacheInfo {
  const info: NixCacheInfo = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === "StoreDir") {
      if (options.expectedStoreDir !== undefined && value !== options.expectedStoreDir) {
        throw new NixCacheInfoError(line, `the cache is for store directory ${value}, not ${options.expectedStoreDir}`);
      }
      info.storeDir = value;
    } else if (key === "WantMassQuery") {
      info.wantMassQuery = value === "1";
    } else if (key === "Priority") {
      if (!/^[+-]?[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new NixCacheInfoError(line, "Priority must be a decimal integer");
      }
      info.priority = Number(value);
    }
  }
  return info;
}

/** Writes the fields that are set, in the order StoreDir, WantMassQuery, Priority. */
export function formatNixCacheInfo(info: NixCacheInfo): string {
  let text = "";
  if (info.storeDir !== undefined) text += `StoreDir: ${validateStoreDir(info.storeDir)}\n`;
  if (info.wantMassQuery !== undefined) text += `WantMassQuery: ${info.wantMassQuery ? 1 : 0}\n`;
  if (info.priority !== undefined) {
    if (!Number.isSafeInteger(info.priority)) {
      throw new NixCacheInfoError(String(info.priority), "Priority must be a safe integer");
    }
    text += `Priority: ${info.priority}\n`;
  }
  return text;
}
