// Build logs in a cache: `log/<drv base name>`, stored as text/plain; charset=utf-8 (a transport may add its
// log-compression Content-Encoding), read back as bytes.

import type { StorePath } from "@narwhal/store-path";
import type { BlobStore } from "./blob-store.js";
import { guard, readSmallObject } from "./blob-io.js";
import { StoreError } from "./errors.js";

export const LOG_CONTENT_TYPE = "text/plain; charset=utf-8";
const LOG_LIMIT = 1024 * 1024 * 1024;

export function buildLogKey(drvPath: StorePath, storeUrl: string): string {
  if (!drvPath.name.endsWith(".drv")) {
    throw new StoreError("INVALID_PATH_INFO", `build logs are stored per derivation; ${drvPath.path} is not a .drv path (${storeUrl})`, { storeUrl });
  }
  return `log/${drvPath.baseName}`;
}

export function readBuildLog(blobs: BlobStore, drvPath: StorePath, storeUrl: string): Promise<Buffer | undefined> {
  return readSmallObject(blobs, buildLogKey(drvPath, storeUrl), storeUrl, LOG_LIMIT);
}

export async function writeBuildLog(blobs: BlobStore, drvPath: StorePath, log: string | Uint8Array, storeUrl: string): Promise<string> {
  const key = buildLogKey(drvPath, storeUrl);
  const body = typeof log === "string" ? Buffer.from(log, "utf8") : log;
  await guard(key, storeUrl, "write", () => blobs.put(key, body, { contentType: LOG_CONTENT_TYPE, sizeHint: body.length }));
  return key;
}
