// Splits a store URL's `?key=value&...` part into decoded pairs and encodes pairs back.
// Percent-decoding like Nix ('+' stays a plus); encoding escapes only what would change the meaning or break a URL.

import { StoreUrlError } from "./errors.js";

export interface QueryPair {
  readonly key: string;
  readonly value: string;
}

function decode(part: string, query: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new StoreUrlError(
      "MALFORMED_QUERY",
      `store URL query '${query}' has a bad percent-escape in '${part}'; '%' must be followed by two hex digits of valid UTF-8`,
      { value: part },
    );
  }
}

/** Decodes `a=1&b=2` (without the '?'); empty items are skipped, an item without '=' is an error. */
export function decodeQuery(query: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const item of query.split("&")) {
    if (item === "") continue;
    const equals = item.indexOf("=");
    if (equals < 0) {
      const key = decode(item, query);
      throw new StoreUrlError(
        "MALFORMED_QUERY",
        `store URL setting '${key}' has no value; write it as '${key}=VALUE'`,
        { setting: key },
      );
    }
    pairs.push({ key: decode(item.slice(0, equals), query), value: decode(item.slice(equals + 1), query) });
  }
  return pairs;
}

/** Percent-encodes everything except unreserved characters and the readable `/ : , @`. */
export function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/%(2F|3A|2C|40)/g, (encoded) => decodeURIComponent(encoded));
}

/** Encodes pairs as `a=1&b=2` (without the '?'). */
export function encodeQuery(pairs: readonly QueryPair[]): string {
  return pairs.map(({ key, value }) => `${encodeQueryComponent(key)}=${encodeQueryComponent(value)}`).join("&");
}
