// Reading whole small objects (nix-cache-info, narinfo, .ls, logs) from a BlobStore with a size bound, and
// re-wrapping transport failures so the message names the object and the cache.

import type { BlobStore } from "./blob-store.js";
import { StoreError, messageOf, objectName } from "./errors.js";

/** Narinfo, cache-info and listing files are small; anything bigger is refused rather than buffered. */
export const SMALL_OBJECT_LIMIT = 64 * 1024 * 1024;

export async function readSmallObject(
  blobs: BlobStore,
  key: string,
  storeUrl: string,
  limit = SMALL_OBJECT_LIMIT,
): Promise<Buffer | undefined> {
  const object = await guard(key, storeUrl, "read", () => blobs.get(key));
  if (object === undefined) return undefined;
  const parts: Buffer[] = [];
  let size = 0;
  await guard(key, storeUrl, "read", async () => {
    for await (const chunk of object.body) {
      size += chunk.length;
      if (size > limit) {
        throw new StoreError("NARINFO_TOO_LARGE", `${objectName(key, storeUrl)} is larger than ${limit} bytes; refusing to buffer it`, {
          key, storeUrl,
        });
      }
      parts.push(chunk);
    }
  });
  return Buffer.concat(parts);
}

/** Runs a transport call; errors that are not StoreErrors become TRANSPORT errors naming key and store. */
export async function guard<T>(key: string, storeUrl: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const own = storeErrorIn(error);
    if (own !== undefined) throw own;
    throw new StoreError("TRANSPORT", `cannot ${what} ${objectName(key, storeUrl)}: ${messageOf(error)}`, {
      key, storeUrl, cause: error,
    });
  }
}

/** A StoreError thrown by our own stream inside a transport call comes back wrapped; find it in the cause chain. */
function storeErrorIn(error: unknown): StoreError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof StoreError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
