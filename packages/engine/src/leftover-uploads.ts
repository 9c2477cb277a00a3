// Cleans up after a killed run: uploads of NAR objects that were started but never completed or aborted (S3
// multipart uploads, file:// temp files).
// Rule: abort a pending upload under `nar/` when this run is about to upload that same NAR, or when it is older
// than the stale age (default 24 h). Nothing else is touched, so concurrent writers of other NARs are safe.

import { multipartMaintenanceOf, type BlobStore } from "@narwhal/store";

export const DEFAULT_STALE_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

const NAR_KEY = /^nar\/([0-9a-z]{52})\.nar/;

/**
 * Aborts the leftover uploads the rule selects; `narHashesToUpload` are nix32 NarHashes (no prefix) of the NARs
 * this run will upload. Returns how many were aborted.
 */
export async function abortLeftoverUploads(
  blobs: BlobStore,
  narHashesToUpload: ReadonlySet<string>,
  staleAgeMs: number = DEFAULT_STALE_UPLOAD_AGE_MS,
  now: Date = new Date(),
): Promise<number> {
  const maintenance = multipartMaintenanceOf(blobs);
  if (maintenance === undefined) return 0;
  let aborted = 0;
  for await (const upload of maintenance.listMultipartUploads("nar/")) {
    const match = NAR_KEY.exec(upload.key);
    if (match === null) continue;
    const ours = narHashesToUpload.has(match[1]!);
    const stale = upload.initiated !== undefined && now.getTime() - upload.initiated.getTime() >= staleAgeMs;
    if (!ours && !stale) continue;
    await maintenance.abortMultipartUpload(upload.key, upload.uploadId);
    aborted++;
  }
  return aborted;
}
