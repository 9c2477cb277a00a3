// The cache layout, in one place: every object key the store reads or writes, its MIME type, how large a small
// object of each kind may be, and what kind of object a listed key is. No other code spells a key pattern.

import { formatHash, narInfoFileFor, type Hash, type StorePath } from "@narwhal/store-path";

export const CACHE_INFO_KEY = "nix-cache-info";
export const CACHE_INFO_CONTENT_TYPE = "text/x-nix-cache-info";
export const NAR_CONTENT_TYPE = "application/x-nix-nar";
export const NARINFO_CONTENT_TYPE = "text/x-nix-narinfo";
export const LISTING_CONTENT_TYPE = "application/json";
export const DEBUG_INFO_CONTENT_TYPE = "application/json";
export const LOG_CONTENT_TYPE = "text/plain; charset=utf-8";

/** The largest object of each small kind the store reads whole; a larger one is refused while it is read. */
export const SMALL_OBJECT_LIMITS = {
  "cache-info": 64 * 1024,
  narinfo: 8 * 1024 * 1024,
  listing: 16 * 1024 * 1024,
  debuginfo: 64 * 1024,
  log: 1024 * 1024 * 1024,
  "gc-notice": 64 * 1024 * 1024,
} as const;

export type SmallObjectKind = keyof typeof SMALL_OBJECT_LIMITS;

/** `<hash part>.narinfo` at the cache root (the narinfo format's own name for it). */
export function narInfoKey(path: StorePath): string {
  return narInfoFileFor(path);
}

/** Where the NAR objects live. */
export const NAR_PREFIX = "nar/";

export function narInfoKeyOfHashPart(hashPart: string): string {
  return `${hashPart}.narinfo`;
}

/**
 * The NAR object's key: `nar/<nix32 NarHash>.nar<extension>` (named by NarHash, unlike Nix; see the README). The
 * extension is the codec's (`narExtension(compression)` of @narwhal/codecs: ".xz", ".zst", "" for none).
 */
export function narObjectKey(narHash: Hash, extension: string): string {
  return `${NAR_PREFIX}${formatHash(narHash, "nix32", { prefix: false })}.nar${extension}`;
}

/** `<hash part>.ls`, the path's NAR listing. */
export function listingKey(hashPart: string): string {
  return `${hashPart}.ls`;
}

/** `log/<drv base name>`, a derivation's build log. */
export function buildLogObjectKey(drvPath: StorePath): string {
  return `log/${drvPath.baseName}`;
}

/** `debuginfo/<build-id>.debug`: Nix names the link after the debug file (build-id dir + file name), dwarffs looks there. */
export function debugInfoKey(buildId: string): string {
  return `debuginfo/${buildId}.debug`;
}

/** Where a running `store gc` announces what it is about to delete (see gc-notices.ts); Nix never looks there. */
export const GC_NOTICE_PREFIX = "narwhal-gc/";
export const GC_NOTICE_CONTENT_TYPE = "application/json";

/** `narwhal-gc/<run id>.json`, one garbage-collection run's notice. */
export function gcNoticeKey(runId: string): string {
  return `${GC_NOTICE_PREFIX}${runId}.json`;
}

export type CacheObjectKind = "cache-info" | "narinfo" | "nar" | "listing" | "debuginfo" | "log" | "other";

/** What a key found in a listing of the cache is; `hashPart` for narinfos and listings. */
export function classifyKey(key: string): { readonly kind: CacheObjectKind; readonly hashPart?: string } {
  if (key === CACHE_INFO_KEY) return { kind: "cache-info" };
  const narInfo = NARINFO_KEY.exec(key);
  if (narInfo !== null) return { kind: "narinfo", hashPart: narInfo[1]! };
  const listing = LISTING_KEY.exec(key);
  if (listing !== null) return { kind: "listing", hashPart: listing[1]! };
  if (key.startsWith(NAR_PREFIX)) return { kind: "nar" };
  if (key.startsWith("debuginfo/")) return { kind: "debuginfo" };
  if (key.startsWith("log/")) return { kind: "log" };
  return { kind: "other" };
}

/** A nix32 NarHash (no prefix) from a NAR object key, or undefined for another key. */
export function narHashOfNarKey(key: string): string | undefined {
  return NAR_KEY.exec(key)?.[1];
}

const NARINFO_KEY = /^([0-9a-df-np-sv-z]{32})\.narinfo$/;
const LISTING_KEY = /^([0-9a-df-np-sv-z]{32})\.ls$/;
const NAR_KEY = /^nar\/([0-9a-df-np-sv-z]{52})\.nar/;
