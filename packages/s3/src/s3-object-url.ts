// Reads one object named by an S3 object URL, s3://BUCKET/KEY?versionId=...&region=...&endpoint=..., as Nix 2.33+
// fetches one (builtins.fetchurl): GET of that key, of the pinned version when the URL has versionId.

import { parseS3ObjectUrl } from "@narwhal/store-url";
import { S3BlobStore, type BlobBody, type S3BlobStoreOptions } from "./s3-blob-store.js";

/**
 * The object's body (Content-Encoding removed), or undefined when that key or version does not exist. The client
 * is closed once the body has been read to its end or abandoned.
 */
export async function getS3Object(url: string, options: S3BlobStoreOptions = {}): Promise<BlobBody | undefined> {
  const object = parseS3ObjectUrl(url);
  const store = S3BlobStore.fromUrl(object.store, options);
  let blob: BlobBody | undefined;
  try {
    blob = await store.get(object.key, object.versionId === undefined ? {} : { versionId: object.versionId });
  } finally {
    if (blob === undefined) await store.close();
  }
  if (blob === undefined) return undefined;
  const body = blob.body;
  async function* closing(): AsyncGenerator<Buffer> {
    try {
      yield* body;
    } finally {
      await store.close();
    }
  }
  return { ...blob, body: closing() };
}
