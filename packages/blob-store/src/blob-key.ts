// The rule for object keys shared by every transport: relative, '/'-separated, no '.'/'..' segments, no NUL,
// no backslash, no control characters, not empty. A refusal names the key, so a hostile narinfo `URL:` cannot
// reach outside the cache on any transport.

import { BlobStoreError } from "./errors.js";

/** Longest key accepted (S3's own limit is 1024 bytes). */
export const MAX_BLOB_KEY_BYTES = 1024;

export function validateBlobKey(key: string, storeUrl: string): string {
  const refuse = (rule: string): never => {
    throw new BlobStoreError("INVALID_KEY", `invalid object key ${JSON.stringify(key)} for ${storeUrl}: ${rule}`, {
      key,
      storeUrl,
    });
  };
  if (typeof key !== "string" || key === "") refuse("it must not be empty");
  if (Buffer.byteLength(key) > MAX_BLOB_KEY_BYTES) refuse(`it must be at most ${MAX_BLOB_KEY_BYTES} bytes`);
  if (key.includes("\0")) refuse("it must not contain a NUL byte");
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(key)) refuse("it must not contain control characters");
  if (key.includes("\\")) refuse("it must not contain a backslash");
  if (key.startsWith("/")) refuse("it must be relative (no leading '/')");
  for (const segment of key.split("/")) {
    if (segment === "") refuse("it must not contain empty segments ('//' or a trailing '/')");
    if (segment === "." || segment === "..") refuse(`it must not contain a '${segment}' segment`);
  }
  return key;
}
