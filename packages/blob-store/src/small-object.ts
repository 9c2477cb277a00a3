// The one bounded reader for whole small objects (nix-cache-info, narinfo, .ls, logs, debuginfo links): it stops
// reading as soon as the object passes its limit, so a huge or endless body never gets buffered.

import type { BlobStore } from "./blob-store.js";
import { BlobStoreError, objectName } from "./errors.js";

/** The largest small object read when the caller names no limit. */
export const SMALL_OBJECT_LIMIT = 64 * 1024 * 1024;

export async function readSmallObject(
  blobs: BlobStore,
  key: string,
  limit = SMALL_OBJECT_LIMIT,
): Promise<Buffer | undefined> {
  const object = await blobs.get(key);
  if (object === undefined) return undefined;
  if (object.size !== undefined && object.size > limit) {
    await closeBody(object.body);
    throw tooLarge(key, blobs.url, limit);
  }
  const parts: Buffer[] = [];
  let size = 0;
  const iterator = object.body[Symbol.asyncIterator]();
  try {
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      size += next.value.length;
      if (size > limit) throw tooLarge(key, blobs.url, limit);
      parts.push(next.value);
    }
  } finally {
    if (size > limit) await iterator.return?.();
  }
  return Buffer.concat(parts);
}

function tooLarge(key: string, storeUrl: string, limit: number): BlobStoreError {
  return new BlobStoreError(
    "OBJECT_TOO_LARGE",
    `${objectName(key, storeUrl)} is larger than ${limit} bytes; refusing to buffer it`,
    {
      key,
      storeUrl,
    },
  );
}

async function closeBody(body: AsyncIterable<Buffer>): Promise<void> {
  await body[Symbol.asyncIterator]().return?.();
}
