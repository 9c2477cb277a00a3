// The rule for object keys shared by every transport: relative, '/'-separated, no '.'/'..' segments, no NUL,
// no backslash, not empty. A refusal names the key, so a hostile narinfo URL cannot reach outside the cache.

import { StoreError } from "./errors.js";

export function validateBlobKey(key: string, storeUrl: string): string {
  const refuse = (rule: string): never => {
    throw new StoreError("INVALID_KEY", `invalid object key ${JSON.stringify(key)} for ${storeUrl}: ${rule}`, { key, storeUrl });
  };
  if (typeof key !== "string" || key === "") refuse("it must not be empty");
  if (key.includes("\0")) refuse("it must not contain a NUL byte");
  if (key.includes("\\")) refuse("it must not contain a backslash");
  if (key.startsWith("/")) refuse("it must be relative (no leading '/')");
  for (const segment of key.split("/")) {
    if (segment === "") refuse("it must not contain empty segments ('//' or a trailing '/')");
    if (segment === "." || segment === "..") refuse(`it must not contain a '${segment}' segment`);
  }
  return key;
}
