// Chooses the transport for a parsed store URL: S3BlobStore for s3://, FileBlobStore for file://, and the
// read-only HttpBlobStore for http(s)://. The S3 transport (and the AWS SDK) is loaded only when needed.

import type { S3BlobStoreOptions } from "@narwhal/s3";
import { redactStoreUrl, type StoreUrl } from "@narwhal/store-url";
import { FileBlobStore, HttpBlobStore, type BlobStore, type HttpBlobStoreOptions } from "@narwhal/blob-store";

export interface OpenBlobStoreOptions {
  /** Passed to the S3 transport (credentials, retries, `force` for xz/bzip2 Content-Encoding, ...). */
  readonly s3?: S3BlobStoreOptions;
  /** Passed to the http(s) transport (connect and stall timeouts). */
  readonly http?: HttpBlobStoreOptions;
}

export async function openBlobStore(url: StoreUrl, options: OpenBlobStoreOptions = {}): Promise<BlobStore> {
  switch (url.type) {
    case "s3": {
      const { S3BlobStore } = await import("@narwhal/s3");
      return S3BlobStore.fromUrl(url, options.s3 ?? {});
    }
    case "file":
      return new FileBlobStore(url.path);
    case "http":
      return new HttpBlobStore(url.url, options.http ?? {});
  }
}

/** A short URL naming the cache in messages: `s3://bucket`, `file:///dir`, `https://host/prefix`. */
export function describeStoreUrl(url: StoreUrl): string {
  switch (url.type) {
    case "s3":
      return `s3://${url.bucket}`;
    case "file":
      return `file://${url.path}`;
    case "http":
      return redactStoreUrl(url.url);
  }
}
