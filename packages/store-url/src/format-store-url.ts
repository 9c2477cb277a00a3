// Writes a StoreUrl back as a URL string that parseStoreUrl reads to an equal StoreUrl and real Nix accepts.
// Emits the settings the URL set explicitly plus any that differ from their defaults, in table order.

import { StoreUrlError } from "./errors.js";
import { encodeQuery, type QueryPair } from "./query-string.js";
import { validateS3BucketName } from "./s3-bucket-name.js";
import { formatSettingValue } from "./setting-parsers.js";
import { STORE_SETTINGS, type StoreType } from "./settings-table.js";
import type { StoreUrl } from "./store-url.js";

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function settingPairs(u: StoreUrl, type: StoreType): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const descriptor of STORE_SETTINGS) {
    const value: unknown = u.settings[descriptor.name];
    if (!u.explicit.has(descriptor.name) && sameValue(value, descriptor.default)) continue;
    if (!descriptor.appliesTo.includes(type)) {
      throw new StoreUrlError(
        "SETTING_NOT_APPLICABLE",
        `store URL setting '${descriptor.name}' is S3-only and cannot be written into a ${type}:// store URL`,
        { setting: descriptor.name },
      );
    }
    pairs.push({ key: descriptor.name, value: formatSettingValue(descriptor, value) });
  }
  return pairs;
}

function filePathForUrl(path: string): string {
  if (!path.startsWith("/")) {
    throw new StoreUrlError(
      "RELATIVE_FILE_PATH",
      `file store path '${path}' is not absolute; file:// stores need an absolute path`,
      {
        value: path,
      },
    );
  }
  if (/[?#]/.test(path)) {
    throw new StoreUrlError(
      "UNREPRESENTABLE_VALUE",
      `file store path '${path}' contains '?' or '#', which cannot appear in a file:// store URL (Nix reads the path literally)`,
      { value: path },
    );
  }
  return path;
}

function httpBaseForUrl(url: string): string {
  if (!/^https?:\/\/[^?#]+$/.test(url)) {
    throw new StoreUrlError(
      "MALFORMED_URL",
      `http store base URL '${url}' must start with http:// or https:// and have no query or fragment`,
      { value: url },
    );
  }
  return url;
}

/** Formats a StoreUrl; parseStoreUrl(formatStoreUrl(u)) deep-equals u when u came from parseStoreUrl. */
export function formatStoreUrl(u: StoreUrl): string {
  let base: string;
  switch (u.type) {
    case "s3":
      validateS3BucketName(u.bucket);
      base = `s3://${u.bucket}`;
      break;
    case "file":
      base = `file://${filePathForUrl(u.path)}`;
      break;
    case "http":
      base = httpBaseForUrl(u.url);
      break;
  }
  const query = encodeQuery(settingPairs(u, u.type));
  return query === "" ? base : `${base}?${query}`;
}
