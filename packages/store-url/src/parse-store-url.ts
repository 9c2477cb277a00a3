// Parses `s3://`, `file://` and `http(s)://` binary cache URLs into a typed StoreUrl with every setting populated.
// Refuses unknown, misplaced, malformed and contradictory settings with a StoreUrlError that names them.

import { posix } from "node:path";
import { closestWord } from "./did-you-mean.js";
import { StoreUrlError } from "./errors.js";
import { decodeQuery } from "./query-string.js";
import { validateS3BucketName } from "./s3-bucket-name.js";
import { checkSettingCombinations } from "./setting-combinations.js";
import { parseSettingValue } from "./setting-parsers.js";
import {
  allSettingSpellings,
  defaultStoreSettings,
  findSetting,
  type SettingName,
  type StoreSettings,
  type StoreType,
} from "./settings-table.js";
import type { StoreUrl } from "./store-url.js";

const SUPPORTED = "s3://, file://, http://, https://";

interface SplitUrl {
  readonly scheme: string;
  readonly rest: string;
  readonly query: string;
}

function splitUrl(url: string): SplitUrl {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^?#]*)(?:\?([^#]*))?(#.*)?$/s.exec(url);
  if (match === null) {
    throw new StoreUrlError(
      "UNSUPPORTED_SCHEME",
      `store URL '${url}' is not a supported store URL; expected one of ${SUPPORTED}`,
      {
        value: url,
      },
    );
  }
  const [, scheme = "", rest = "", query = "", fragment] = match;
  if (fragment !== undefined) {
    throw new StoreUrlError("MALFORMED_URL", `store URL '${url}' has a '#' fragment; store URLs take no fragment`, {
      value: url,
    });
  }
  return { scheme, rest, query };
}

/** s3:// and file:// take no userinfo: refuse `user:password@` before it can reach a bucket name or path message. */
function refuseUserinfo(url: string, type: "s3" | "file", rest: string): void {
  const authority = rest.slice(0, rest.search(/\/|$/));
  if (!authority.includes("@")) return;
  const rule =
    type === "s3"
      ? "s3:// stores take credentials from the AWS SDK's default chain (environment, profile, …), never from the URL"
      : "file:// stores take no user, password or host; write file:///DIR";
  throw new StoreUrlError("MALFORMED_URL", `store URL '${url}' has a user name or password before '@'; ${rule}`, {
    value: url,
  });
}

function parseBucket(url: string, rest: string): string {
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const after = slash < 0 ? "" : rest.slice(slash);
  if (bucket === "") {
    throw new StoreUrlError("MISSING_BUCKET", `store URL '${url}' names no bucket; write s3://BUCKET`, { value: url });
  }
  if (after !== "" && after !== "/") {
    throw new StoreUrlError(
      "MALFORMED_URL",
      `store URL '${url}' has a key prefix '${after}' after the bucket; S3 stores live at the bucket root (s3://BUCKET)`,
      { value: url },
    );
  }
  validateS3BucketName(bucket);
  return bucket;
}

function parseFilePath(url: string, rest: string): string {
  if (!rest.startsWith("/")) {
    throw new StoreUrlError(
      "RELATIVE_FILE_PATH",
      `store URL '${url}' has a relative or host-qualified path '${rest}'; file:// stores need an absolute path (file:///dir)`,
      { value: rest },
    );
  }
  const normal = posix.normalize(rest);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

function parseHttpBase(url: string, scheme: string, rest: string): string {
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${rest}`);
  } catch {
    throw new StoreUrlError("MALFORMED_URL", `store URL '${url}' is not a valid ${scheme} URL`, { value: url });
  }
  if (parsed.hostname === "") {
    throw new StoreUrlError("MALFORMED_URL", `store URL '${url}' names no host`, { value: url });
  }
  return parsed.href.replace(/\/+$/, "");
}

/**
 * Nix 2.33+ reads `versionId` only in S3 object URLs (s3://BUCKET/KEY?versionId=..., e.g. builtins.fetchurl): it
 * pins one version of one object. A store URL has no single object to pin; Nix warns "unknown setting" and ignores it.
 */
function versionIdInStoreUrl(url: string): StoreUrlError {
  return new StoreUrlError(
    "SETTING_NOT_APPLICABLE",
    `store URL '${url}' has 'versionId', which pins one version of one object: it belongs in an S3 object URL ` +
      "(s3://BUCKET/KEY?versionId=..., read with parseS3ObjectUrl), not in a store URL, whose objects each have their own versions",
    { setting: "versionId" },
  );
}

function unknownSetting(name: string): StoreUrlError {
  const suggestion = closestWord(name, allSettingSpellings());
  const hint = suggestion === undefined ? "; run describeSettings() for the list" : ` (did you mean '${suggestion}'?)`;
  return new StoreUrlError("UNKNOWN_SETTING", `unknown store URL setting '${name}'${hint}`, {
    setting: name,
    ...(suggestion === undefined ? {} : { suggestion }),
  });
}

function applySettings(
  url: string,
  type: StoreType,
  query: string,
): { settings: StoreSettings; explicit: Set<SettingName> } {
  const settings = defaultStoreSettings() as unknown as Record<string, unknown>;
  const explicit = new Set<SettingName>();
  const firstSpelling = new Map<SettingName, { spelling: string; text: string; json: string }>();
  for (const { key, value } of decodeQuery(query)) {
    const descriptor = findSetting(key);
    if (descriptor === undefined) throw key === "versionId" ? versionIdInStoreUrl(url) : unknownSetting(key);
    if (!descriptor.appliesTo.includes(type)) {
      throw new StoreUrlError(
        "SETTING_NOT_APPLICABLE",
        `store URL setting '${key}' is S3-only and does not apply to ${type}:// store '${url}'`,
        { setting: descriptor.name, value },
      );
    }
    const parsed = parseAs(descriptor, key, value);
    const json = JSON.stringify(parsed);
    const earlier = firstSpelling.get(descriptor.name);
    if (earlier !== undefined && earlier.json !== json) {
      throw new StoreUrlError(
        "CONFLICTING_VALUES",
        `store URL setting '${descriptor.name}' is given twice with different values: ` +
          `${earlier.spelling}='${earlier.text}' and ${key}='${value}'`,
        { setting: descriptor.name, value },
      );
    }
    if (earlier === undefined) firstSpelling.set(descriptor.name, { spelling: key, text: value, json });
    settings[descriptor.name] = parsed;
    explicit.add(descriptor.name);
  }
  checkSettingCombinations(settings as unknown as StoreSettings, explicit);
  return { settings: settings as unknown as StoreSettings, explicit };
}

/** Parses one value; a refusal names the spelling the URL used, and the canonical setting behind an alias. */
function parseAs(descriptor: NonNullable<ReturnType<typeof findSetting>>, key: string, value: string): unknown {
  try {
    return parseSettingValue(descriptor, value, key);
  } catch (error) {
    if (!(error instanceof StoreUrlError) || key === descriptor.name) throw error;
    throw new StoreUrlError(error.code, `${error.message} ('${key}' is an alias of '${descriptor.name}')`, {
      setting: descriptor.name,
      value,
    });
  }
}

/**
 * Parses a binary cache store URL; throws StoreUrlError on anything narwhal or Nix would refuse. An http(s) URL keeps
 * its `user:password@` (the transport needs it); error messages show it redacted (see redactStoreUrl).
 */
export function parseStoreUrl(url: string): StoreUrl {
  const { scheme, rest, query } = splitUrl(url);
  switch (scheme) {
    case "s3": {
      refuseUserinfo(url, "s3", rest);
      const bucket = parseBucket(url, rest);
      return { type: "s3", bucket, ...applySettings(url, "s3", query) };
    }
    case "file": {
      refuseUserinfo(url, "file", rest);
      const path = parseFilePath(url, rest);
      return { type: "file", path, ...applySettings(url, "file", query) };
    }
    case "http":
    case "https": {
      const base = parseHttpBase(url, scheme, rest);
      return { type: "http", url: base, ...applySettings(url, "http", query) };
    }
    default:
      throw new StoreUrlError(
        "UNSUPPORTED_SCHEME",
        `store URL '${url}' uses unsupported scheme '${scheme}://'; supported: ${SUPPORTED}`,
        { value: url },
      );
  }
}
