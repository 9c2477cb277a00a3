// The cache's `nix-cache-info` object: read it (StoreDir must match the `store` setting), write the minimal
// `StoreDir: ...` form when absent, and merge its WantMassQuery/Priority under the URL's explicit settings.

import { formatNixCacheInfo, parseNixCacheInfo, type NixCacheInfo } from "@narwhal/store-path";
import type { SettingName, StoreSettings } from "@narwhal/store-url";
import type { BlobStore } from "@narwhal/blob-store";
import { guard, readObject } from "./blob-io.js";
import { CACHE_INFO_CONTENT_TYPE, CACHE_INFO_KEY } from "./cache-layout.js";
import { StoreError, messageOf, objectName } from "./errors.js";

export interface EffectiveCacheInfo {
  readonly storeDir: string;
  readonly priority: number;
  readonly wantMassQuery: boolean;
  /** What the cache's nix-cache-info said, or undefined when it had none. */
  readonly fromCache: NixCacheInfo | undefined;
  /** True when init() wrote a new nix-cache-info. */
  readonly created: boolean;
}

export interface LoadCacheInfoOptions {
  /** Write `StoreDir: <store>` when the object is absent (Nix does on open). */
  readonly create: boolean;
}

export async function loadCacheInfo(
  blobs: BlobStore,
  settings: StoreSettings,
  explicit: ReadonlySet<SettingName>,
  storeUrl: string,
  options: LoadCacheInfoOptions,
): Promise<EffectiveCacheInfo> {
  const bytes = await readObject(blobs, CACHE_INFO_KEY, "cache-info", storeUrl);
  let fromCache: NixCacheInfo | undefined;
  let created = false;
  if (bytes !== undefined) {
    try {
      fromCache = parseNixCacheInfo(bytes.toString("utf8"));
    } catch (error) {
      throw new StoreError(
        "CACHE_INFO_CORRUPT",
        `${objectName(CACHE_INFO_KEY, storeUrl)} is corrupt: ${messageOf(error)}`,
        {
          key: CACHE_INFO_KEY,
          storeUrl,
          cause: error,
        },
      );
    }
    if (fromCache.storeDir !== undefined && fromCache.storeDir !== settings.store) {
      throw new StoreError(
        "STORE_DIR_MISMATCH",
        `binary cache ${storeUrl} is for Nix stores with prefix ${fromCache.storeDir} (${CACHE_INFO_KEY} says StoreDir: ${fromCache.storeDir}), but this store uses ${settings.store} (setting 'store')`,
        { key: CACHE_INFO_KEY, storeUrl },
      );
    }
  } else if (options.create) {
    const text = formatNixCacheInfo({ storeDir: settings.store });
    await guard(CACHE_INFO_KEY, storeUrl, "write", () =>
      blobs.put(CACHE_INFO_KEY, Buffer.from(text), { contentType: CACHE_INFO_CONTENT_TYPE }),
    );
    created = true;
  }
  return {
    storeDir: settings.store,
    priority: explicit.has("priority") ? settings.priority : (fromCache?.priority ?? settings.priority),
    wantMassQuery: explicit.has("want-mass-query")
      ? settings["want-mass-query"]
      : (fromCache?.wantMassQuery ?? settings["want-mass-query"]),
    fromCache,
    created,
  };
}
