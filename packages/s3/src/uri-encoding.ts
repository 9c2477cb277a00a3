// RFC 3986 percent-encoding as AWS Signature V4 and S3 expect it: only A-Z a-z 0-9 - . _ ~ stay as they are, and
// object keys are encoded segment by segment so their '/' separators survive.

const RESERVED_BY_AWS = /[!'()*]/g;

/** Percent-encodes every byte of `text` (UTF-8) except the RFC 3986 unreserved characters. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(RESERVED_BY_AWS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encodes an S3 object key for a request path: each '/'-separated segment with `uriEncode`, the slashes kept. */
export function encodeObjectKey(key: string): string {
  return key.split("/").map(uriEncode).join("/");
}

/** The canonical query string of SigV4: parameters sorted by encoded name, then value, each side encoded. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}
