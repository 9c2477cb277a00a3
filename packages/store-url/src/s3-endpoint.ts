// Checks and resolves the S3 `endpoint` setting: a full http(s) URL (Nix 2.33+ style) or a bare host[:port].
// A bare endpoint takes its protocol from `scheme` (empty = https); a full URL's own protocol wins over `scheme`.

import { StoreUrlError } from "./errors.js";

function invalidEndpoint(setting: string, text: string, rule: string): StoreUrlError {
  return new StoreUrlError("INVALID_VALUE", `store URL setting '${setting}' has invalid value '${text}'; ${rule}`, {
    setting,
    value: text,
  });
}

/** Throws unless `text` is empty, an http(s) URL with a host, or a bare host[:port]. */
export function checkS3Endpoint(setting: string, text: string): void {
  if (text === "") return;
  if (text.includes("://")) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalidEndpoint(setting, text, "it is not a valid URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw invalidEndpoint(setting, text, "an endpoint URL must use http:// or https://");
    }
    if (url.hostname === "") throw invalidEndpoint(setting, text, "an endpoint URL must name a host");
    if (url.search !== "" || url.hash !== "") {
      throw invalidEndpoint(setting, text, "an endpoint URL must not have a query or fragment");
    }
    return;
  }
  if (!/^[A-Za-z0-9.\-_[\]:]+$/.test(text)) {
    throw invalidEndpoint(setting, text, "expected an http(s) URL or a bare host[:port]");
  }
  try {
    new URL(`https://${text}`);
  } catch {
    throw invalidEndpoint(setting, text, "expected an http(s) URL or a bare host[:port]");
  }
}

/**
 * The base URL requests go to for a custom endpoint, or undefined when `endpoint` is empty (use AWS for `region`).
 */
export function resolveS3Endpoint(settings: { endpoint: string; scheme: string }): URL | undefined {
  if (settings.endpoint === "") return undefined;
  checkS3Endpoint("endpoint", settings.endpoint);
  if (settings.endpoint.includes("://")) return new URL(settings.endpoint);
  return new URL(`${settings.scheme === "" ? "https" : settings.scheme}://${settings.endpoint}`);
}
