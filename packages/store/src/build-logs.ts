// Build logs in a cache: `log/<drv base name>`, stored as text/plain; charset=utf-8 (a transport may add its
// log-compression Content-Encoding), read back as bytes.

import type { StorePath } from "@narwhal/store-path";
import type { BlobStore } from "@narwhal/blob-store";
import { guard, readObject } from "./blob-io.js";
import { LOG_CONTENT_TYPE, buildLogObjectKey } from "./cache-layout.js";
import { StoreError } from "./errors.js";

export function buildLogKey(drvPath: StorePath, storeUrl: string): string {
  if (!drvPath.name.endsWith(".drv")) {
    throw new StoreError(
      "INVALID_PATH_INFO",
      `build logs are stored per derivation; ${drvPath.path} is not a .drv path (${storeUrl})`,
      { storeUrl },
    );
  }
  return buildLogObjectKey(drvPath);
}

export function readBuildLog(blobs: BlobStore, drvPath: StorePath, storeUrl: string): Promise<Buffer | undefined> {
  return readObject(blobs, buildLogKey(drvPath, storeUrl), "log", storeUrl);
}

export async function writeBuildLog(
  blobs: BlobStore,
  drvPath: StorePath,
  log: string | Uint8Array,
  storeUrl: string,
): Promise<string> {
  const key = buildLogKey(drvPath, storeUrl);
  const body = typeof log === "string" ? Buffer.from(log, "utf8") : log;
  await guard(key, storeUrl, "write", () =>
    blobs.put(key, body, { contentType: LOG_CONTENT_TYPE, sizeHint: body.length }),
  );
  return key;
}
