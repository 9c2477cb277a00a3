// Parses an S3 object URL, s3://BUCKET/KEY?versionId=...&region=...&endpoint=..., as Nix 2.33+ reads one for a
// single object (builtins.fetchurl and other file transfers): the object, an optional version, how to reach it.

import { StoreUrlError } from "./errors.js";
import { parseStoreUrl } from "./parse-store-url.js";
import { decodeQuery, encodeQuery, type QueryPair } from "./query-string.js";
import type { S3StoreUrl } from "./store-url.js";

/** The query parameters Nix's ParsedS3URL reads besides versionId: how to reach the bucket. */
export const S3_OBJECT_URL_SETTINGS = ["profile", "region", "scheme", "endpoint", "addressing-style"] as const;

export interface S3ObjectUrl {
  readonly bucket: string;
  /** The object key, percent-decoded (`nar/a%20b` names the key `nar/a b`). */
  readonly key: string;
  /** The object version to read (S3 versioning), when the URL pins one. */
  readonly versionId?: string;
  /** The bucket as a store URL carrying only the connection settings, for connecting a client. */
  readonly store: S3StoreUrl;
}

function refused(url: string, rule: string, value?: string): StoreUrlError {
  return new StoreUrlError("MALFORMED_URL", `S3 object URL '${url}' ${rule}`, { value: value ?? url });
}

/**
 * Reads `s3://BUCKET/KEY?versionId=V&region=R&endpoint=E&profile=P&scheme=S&addressing-style=A`. Refuses a URL
 * without a key, an empty versionId, and any other parameter (Nix ignores those; store settings such as
 * compression mean nothing for reading one object).
 */
export function parseS3ObjectUrl(url: string): S3ObjectUrl {
  const match = /^s3:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/s.exec(url);
  if (match === null) throw refused(url, "is not of the form s3://BUCKET/KEY[?versionId=...&region=...]");
  const [, bucket = "", rawPath = "", query = ""] = match;
  const segments = rawPath.split("/").slice(1);
  if (segments.length === 0 || segments.every((segment) => segment === ""))
    throw refused(url, "names no object key after the bucket; write s3://BUCKET/KEY");
  let key: string;
  try {
    key = segments.map((segment) => decodeURIComponent(segment)).join("/");
  } catch {
    throw refused(url, `has a bad percent-escape in its key '${rawPath.slice(1)}'`, rawPath.slice(1));
  }
  let versionId: string | undefined;
  const connection: QueryPair[] = [];
  for (const pair of decodeQuery(query)) {
    if (pair.key === "versionId") {
      if (pair.value === "")
        throw new StoreUrlError(
          "INVALID_VALUE",
          `S3 object URL '${url}' has an empty versionId; give the version to read or leave it out`,
          { setting: "versionId", value: "" },
        );
      if (versionId !== undefined && versionId !== pair.value) {
        throw new StoreUrlError(
          "CONFLICTING_VALUES",
          `S3 object URL '${url}' gives versionId twice with different values: '${versionId}' and '${pair.value}'`,
          { setting: "versionId", value: pair.value },
        );
      }
      versionId = pair.value;
    } else if ((S3_OBJECT_URL_SETTINGS as readonly string[]).includes(pair.key)) {
      connection.push(pair);
    } else {
      throw new StoreUrlError(
        "SETTING_NOT_APPLICABLE",
        `S3 object URL '${url}' has parameter '${pair.key}'; an object URL takes only versionId, ${S3_OBJECT_URL_SETTINGS.join(", ")}`,
        { setting: pair.key, value: pair.value },
      );
    }
  }
  const queryText = encodeQuery(connection);
  const store = parseStoreUrl(`s3://${bucket}${queryText === "" ? "" : `?${queryText}`}`);
  if (store.type !== "s3") throw refused(url, "is not an s3:// URL");
  return { bucket: store.bucket, key, ...(versionId === undefined ? {} : { versionId }), store };
}
