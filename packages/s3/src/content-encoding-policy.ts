// Which objects are stored with a Content-Encoding (narinfo-/ls-/log-compression, REFERENCE §1.7) and which
// encodings are refused because Nix >= 2.34 (libcurl decoding) can no longer read them.

import { S3TransportError } from "./s3-errors.js";

export interface ContentEncodingSettings {
  readonly "narinfo-compression": string;
  readonly "ls-compression": string;
  readonly "log-compression": string;
}

const SETTING_NAMES = ["narinfo-compression", "ls-compression", "log-compression"] as const;

/** Encodings Nix >= 2.34 cannot decode (only gzip/x-gzip, deflate, br and zstd work there). */
export const UNREADABLE_CONTENT_ENCODINGS: ReadonlySet<string> = new Set(["xz", "bzip2"]);

/** The Content-Encoding to apply to `key`, or undefined when the object is stored as is. */
export function contentEncodingFor(key: string, settings: ContentEncodingSettings): string | undefined {
  let method = "";
  if (key.endsWith(".narinfo")) method = settings["narinfo-compression"];
  else if (key.endsWith(".ls")) method = settings["ls-compression"];
  else if (key.startsWith("log/")) method = settings["log-compression"];
  return method === "" ? undefined : method;
}

/** Throws CONTENT_ENCODING_REFUSED when a setting asks for xz/bzip2 and `force` is not set. */
export function checkContentEncodingSettings(settings: ContentEncodingSettings, bucket: string, force: boolean): void {
  if (force) return;
  for (const name of SETTING_NAMES) {
    const method = settings[name];
    if (UNREADABLE_CONTENT_ENCODINGS.has(method)) {
      throw new S3TransportError(
        "CONTENT_ENCODING_REFUSED",
        `${name}=${method} for s3://${bucket} is refused: Nix >= 2.34 cannot read objects with Content-Encoding ` +
          `'${method}' (use br, gzip or zstd, or pass force to write it anyway)`,
        { bucket },
      );
    }
  }
}
