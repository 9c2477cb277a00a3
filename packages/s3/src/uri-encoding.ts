// RFC 3986 percent-encoding as AWS Signature V4 and S3 expect it for the paths and queries the lean path sends (the
// SDK's signer signs the path exactly as given, like the SDK's S3 client): only A-Z a-z 0-9 - . _ ~ stay as they
// are, and object keys are encoded segment by segment so their '/' separators survive.

const RESERVED_BY_AWS = /[!'()*]/g;

/** Percent-encodes every byte of `text` (UTF-8) except the RFC 3986 unreserved characters. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(RESERVED_BY_AWS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encodes an S3 object key for a request path: each '/'-separated segment with `uriEncode`, the slashes kept. */
export function encodeObjectKey(key: string): string {
  return key.split("/").map(uriEncode).join("/");
}

/** The query string of a request, each name and value encoded with `uriEncode` (as SigV4 canonicalises them). */
export function encodeQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .join("&");
}
