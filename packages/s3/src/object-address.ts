// Where the lean request path sends an object's requests: the bucket URL the AWS SDK itself resolves for a
// PutObject (its endpoint rules, run once per store through the SDK's public getEndpointFromInstructions, as
// @aws-sdk/lib-storage does: path-style or virtual-hosted, custom endpoint, region), plus the signing region.

import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { encodeObjectKey } from "./uri-encoding.js";

export interface BucketAddress {
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly port: number | undefined;
  /** The Host header (hostname plus a non-default port). */
  readonly host: string;
  /** The encoded path before the key, without trailing slash: "" (virtual-hosted) or "/BUCKET" (path-style). */
  readonly basePath: string;
  readonly signingRegion: string;
}

/** Asks the SDK client's own endpoint rules for the bucket's URL, with the configuration connectS3 gave it. */
export async function resolveBucketAddress(client: S3Client, bucket: string): Promise<BucketAddress> {
  // A copy: the SDK may note an endpoint it found in the environment or profile on the configuration it is given.
  const resolved = await getEndpointFromInstructions({ Bucket: bucket }, PutObjectCommand, { ...client.config });
  const url = resolved.url;
  const protocol = url.protocol === "http:" ? "http:" : "https:";
  return {
    protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? undefined : Number(url.port),
    host: url.host,
    basePath: url.pathname.replace(/\/+$/, ""),
    signingRegion: resolved.properties?.authSchemes?.[0]?.signingRegion ?? (await client.config.region()),
  };
}

/** The encoded request path of `key` in the bucket at `address`. */
export function objectPath(address: BucketAddress, key: string): string {
  return `${address.basePath}/${encodeObjectKey(key)}`;
}
