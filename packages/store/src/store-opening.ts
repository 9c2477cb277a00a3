// How to open a cache for reading, as plain data: what a worker thread receives (by structured clone) to open the
// same cache as the thread that sent it, with the same trust. One home for turning that data into options.

import { TrustedKeys } from "@narwhal/signing";
import type { HttpBlobStoreOptions } from "@narwhal/blob-store";
import type { S3BlobStoreOptions } from "@narwhal/s3";
import { BinaryCacheStore } from "./binary-cache-store.js";

export interface StoreOpening {
  /** The store URL, settings included. */
  readonly url: string;
  /** The keys to trust, in the form of Nix's `trusted-public-keys`: NAME:BASE64 entries separated by white space. */
  readonly trustedPublicKeys: string;
  /** Where those keys came from, for messages (default "trusted-public-keys"). */
  readonly trustedPublicKeysSource?: string;
  /** false accepts unsigned narinfos. */
  readonly requireSigs: boolean;
  readonly http?: HttpBlobStoreOptions;
  readonly s3?: Pick<S3BlobStoreOptions, "retryDefaults">;
}

/** Opens the cache an opening describes, read-only (nix-cache-info is never written); close() it when done. */
export function openReadOnlyStore(opening: StoreOpening): Promise<BinaryCacheStore> {
  return BinaryCacheStore.open(opening.url, {
    ...(opening.http === undefined ? {} : { http: opening.http }),
    ...(opening.s3 === undefined ? {} : { s3: opening.s3 }),
    createCacheInfo: false,
    requireSigs: opening.requireSigs,
    trustedPublicKeys: TrustedKeys.from(opening.trustedPublicKeys, opening.trustedPublicKeysSource),
  });
}
