// Access to the real Ceph RGW for S3 tests: endpoint from S3_ENDPOINT (skip when unset, fail under CI), fresh
// random buckets created and removed through @narwhal/s3's helpers.

import { randomBytes } from "node:crypto";
import { deleteBucket, ensureBucket, setPublicReadPolicy } from "@narwhal/s3";

export const rgwEndpoint = process.env.S3_ENDPOINT ?? "";

if (rgwEndpoint === "" && process.env.CI) {
  throw new Error("S3_ENDPOINT is not set but CI is: the S3 store tests need the Ceph RGW started by .ci/run");
}

export const hasRgw = rgwEndpoint !== "";

export function freshBucket(label: string): string {
  return `narwhal-store-${label}-${randomBytes(4).toString("hex")}`;
}

export function rgwUrl(bucket: string, ...settings: string[]): string {
  return `s3://${bucket}?${[`endpoint=${encodeURIComponent(rgwEndpoint)}`, ...settings].join("&")}`;
}

export async function createBucket(bucket: string, publicRead = false): Promise<void> {
  await ensureBucket(rgwUrl(bucket));
  if (publicRead) await setPublicReadPolicy(rgwUrl(bucket));
}

export async function removeBucket(bucket: string): Promise<void> {
  await deleteBucket(rgwUrl(bucket));
}

/** The bucket as a plain HTTP binary cache (path-style, anonymous reads), for real Nix. */
export function rgwHttpUrl(bucket: string): string {
  return `${rgwEndpoint.replace(/\/$/, "")}/${bucket}`;
}
