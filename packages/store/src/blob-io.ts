// The store's side of the transport seam: every transport call goes through guard(), which re-raises failures as
// StoreErrors naming the object and the cache, and every whole small object through readObject(), bounded per kind.

import { BlobStoreError, readSmallObject, type BlobStore } from "@narwhal/blob-store";
import { SMALL_OBJECT_LIMITS, type SmallObjectKind } from "./cache-layout.js";
import { StoreError, messageOf, objectName, type StoreErrorCode } from "./errors.js";

/** Reads a whole small object of `kind`, refusing it (without buffering it) once it passes that kind's limit. */
export async function readObject(
  blobs: BlobStore,
  key: string,
  kind: SmallObjectKind,
  storeUrl: string,
): Promise<Buffer | undefined> {
  return guard(key, storeUrl, "read", () => readSmallObject(blobs, key, SMALL_OBJECT_LIMITS[kind]));
}

const PASSED_THROUGH: Readonly<Record<BlobStoreError["code"], StoreErrorCode>> = {
  INVALID_KEY: "INVALID_KEY",
  READ_ONLY: "READ_ONLY",
  UNSUPPORTED: "UNSUPPORTED",
  TRANSPORT: "TRANSPORT",
  TIMEOUT: "TIMEOUT",
  OBJECT_TOO_LARGE: "OBJECT_TOO_LARGE",
  OUTSIDE_CACHE: "OUTSIDE_CACHE",
};

/** Runs a transport call; errors that are not StoreErrors become StoreErrors naming key and store. */
export async function guard<T>(key: string, storeUrl: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStoreError(error, key, storeUrl, what);
  }
}

/** The StoreError for a failure of a transport call (or of a body it streamed). */
export function asStoreError(error: unknown, key: string, storeUrl: string, what: string): StoreError {
  const own = inCauses(error, StoreError);
  if (own !== undefined) return own;
  const transport = inCauses(error, BlobStoreError);
  if (transport !== undefined) {
    return new StoreError(PASSED_THROUGH[transport.code], transport.message, {
      key: transport.key ?? key,
      storeUrl,
      cause: error,
    });
  }
  return new StoreError("TRANSPORT", `cannot ${what} ${objectName(key, storeUrl)}: ${messageOf(error)}`, {
    key,
    storeUrl,
    cause: error,
  });
}

/** Our own error thrown inside a transport call may come back wrapped; find it in the cause chain. */
function inCauses<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
