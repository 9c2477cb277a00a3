// Where the lean request path sends an object's requests: the bucket URL the AWS SDK itself would use (its endpoint
// rules resolved once per store: path-style or virtual-hosted, custom endpoint, region), plus the signing region.

import type { S3Client } from "@aws-sdk/client-s3";
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

interface SdkEndpointRules {
  endpointProvider: (params: Record<string, unknown>) => {
    url: URL;
    properties?: { authSchemes?: Array<{ signingRegion?: string }> };
  };
  useFipsEndpoint: () => Promise<boolean>;
  useDualstackEndpoint: () => Promise<boolean>;
}

/** Asks the SDK client's own endpoint rules for the bucket's URL, with the same settings connectS3 gave it. */
export async function resolveBucketAddress(
  client: S3Client,
  bucket: string,
  settings: { region: string; forcePathStyle: boolean; endpoint: string | undefined },
): Promise<BucketAddress> {
  const rules = client.config as unknown as SdkEndpointRules;
  const resolved = rules.endpointProvider({
    Bucket: bucket,
    Region: settings.region,
    ForcePathStyle: settings.forcePathStyle,
    UseFIPS: await rules.useFipsEndpoint(),
    UseDualStack: await rules.useDualstackEndpoint(),
    Accelerate: false,
    ...(settings.endpoint === undefined ? {} : { Endpoint: settings.endpoint }),
  });
  const url = resolved.url;
  const protocol = url.protocol === "http:" ? "http:" : "https:";
  return {
    protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? undefined : Number(url.port),
    host: url.host,
    basePath: url.pathname.replace(/\/+$/, ""),
    signingRegion: resolved.properties?.authSchemes?.[0]?.signingRegion ?? settings.region,
  };
}

/** The encoded request path of `key` in the bucket at `address`. */
export function objectPath(address: BucketAddress, key: string): string {
  return `${address.basePath}/${encodeObjectKey(key)}`;
}
