// Cleans up after a killed run: uploads of NAR objects that were started but never completed or aborted (S3
// multipart uploads, file:// temp files).
// Rule: abort a pending upload under `nar/` when this run is about to upload that same NAR, or when it is older
// than the stale age (default 24 h). Nothing else is touched, so concurrent writers of other NARs are safe.

import { NAR_PREFIX, narHashOfNarKey, type BinaryCacheStore } from "@narwhal/store";

export const DEFAULT_STALE_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Aborts the leftover uploads the rule selects; `narHashesToUpload` are nix32 NarHashes (no prefix) of the NARs
 * this run will upload. Returns how many were aborted.
 */
export async function abortLeftoverUploads(
  store: BinaryCacheStore,
  narHashesToUpload: ReadonlySet<string>,
  staleAgeMs: number = DEFAULT_STALE_UPLOAD_AGE_MS,
  now: Date = new Date(),
): Promise<number> {
  let aborted = 0;
  for (const upload of await store.pendingUploads(NAR_PREFIX)) {
    const narHash = narHashOfNarKey(upload.key);
    if (narHash === undefined) continue;
    const ours = narHashesToUpload.has(narHash);
    const stale = upload.initiated !== undefined && now.getTime() - upload.initiated.getTime() >= staleAgeMs;
    if (!ours && !stale) continue;
    await store.abortUpload(upload);
    aborted++;
  }
  return aborted;
}
