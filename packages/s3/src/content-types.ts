// The Content-Type Nix gives each kind of binary cache object (REFERENCE §1.7), for the store layer to pass to put().
// Keys are relative to the bucket root: nix-cache-info, <hash>.narinfo, nar/..., <hash>.ls, debuginfo/..., log/...

export const NIX_CONTENT_TYPES = {
  cacheInfo: "text/x-nix-cache-info",
  narinfo: "text/x-nix-narinfo",
  nar: "application/x-nix-nar",
  json: "application/json",
  log: "text/plain; charset=utf-8",
  other: "application/octet-stream",
} as const;

/** The Content-Type for an object key, following the object layout of a Nix binary cache. */
export function contentTypeFor(key: string): string {
  if (key === "nix-cache-info") return NIX_CONTENT_TYPES.cacheInfo;
  if (key.endsWith(".narinfo")) return NIX_CONTENT_TYPES.narinfo;
  if (key.startsWith("nar/")) return NIX_CONTENT_TYPES.nar;
  if (key.endsWith(".ls") || key.startsWith("debuginfo/")) return NIX_CONTENT_TYPES.json;
  if (key.startsWith("realisations/") || key.startsWith("build-trace-v2/")) return NIX_CONTENT_TYPES.json;
  if (key.startsWith("log/")) return NIX_CONTENT_TYPES.log;
  return NIX_CONTENT_TYPES.other;
}
