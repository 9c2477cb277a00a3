// Checks an S3 bucket name against AWS's naming rules for general purpose buckets, so a typo fails before any request.
// Nix itself does not check; legacy us-east-1 names (uppercase, underscores) are refused here on purpose.

import { StoreUrlError } from "./errors.js";

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Returns the first naming rule `name` breaks, or undefined when it is a valid bucket name. */
export function findS3BucketNameViolation(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `it must be 3 to 63 characters long (it has ${name.length})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "it may contain only lowercase letters, digits, dots and hyphens";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "it must start and end with a letter or digit";
  if (name.includes("..")) return "it must not contain two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "it must not be formatted as an IP address";
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix !== undefined) return `it must not start with the reserved prefix '${prefix}'`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix !== undefined) return `it must not end with the reserved suffix '${suffix}'`;
  return undefined;
}

/** Throws StoreUrlError INVALID_BUCKET_NAME naming the bucket and the broken rule. */
export function validateS3BucketName(name: string): void {
  const violation = findS3BucketNameViolation(name);
  if (violation !== undefined) {
    throw new StoreUrlError("INVALID_BUCKET_NAME", `invalid S3 bucket name '${name}': ${violation}`, { value: name });
  }
}
