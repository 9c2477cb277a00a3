// Hides the credentials of every URL in a text: `scheme://user:password@host` becomes `scheme://user:***@host`,
// `scheme://token@host` becomes `scheme://***@host`. Used for every message that shows a store URL.

/** A scheme followed by `//`, not preceded by a character that could continue a scheme. */
const URL_START = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\//g;

/**
 * Replaces the userinfo password of every `scheme://…@` URL in `text` with `***` (the whole userinfo when it has no
 * ':', since a lone user name is often a token). Everything else (hosts, paths, queries, `secret-key=` file paths)
 * is kept. The userinfo is what the WHATWG parser takes (up to the last '@' before the first '/', '?', '#' or '\'),
 * and also a password that itself contains '/' (`http://u:pa/ss@host`, which the parser refuses).
 */
export function redactStoreUrl(text: string): string {
  let redacted = "";
  let copiedUpTo = 0;
  for (const match of text.matchAll(URL_START)) {
    const start = match.index + match[0].length;
    if (start < copiedUpTo) continue;
    const userinfoEnd = userinfoLength(text.slice(start).split(/\s/, 1)[0] ?? "");
    if (userinfoEnd === undefined) continue;
    const userinfo = text.slice(start, start + userinfoEnd);
    const colon = userinfo.indexOf(":");
    redacted += text.slice(copiedUpTo, start) + (colon < 0 ? "***" : `${userinfo.slice(0, colon)}:***`);
    copiedUpTo = start + userinfoEnd;
  }
  return redacted + text.slice(copiedUpTo);
}

/** Length of the userinfo at the start of what follows `scheme://` (up to whitespace), or undefined when none. */
function userinfoLength(rest: string): number | undefined {
  const authority = rest.slice(0, endOf(rest, /[/?#\\]/));
  const at = authority.lastIndexOf("@");
  if (at >= 0) return at;
  // `user:pa/ss@host`: a ':' not followed by a port (nor inside an IPv6 literal), and an '@' before the query
  const colon = authority.indexOf(":");
  if (colon < 0 || authority.startsWith("[") || /^\d*$/.test(authority.slice(colon + 1))) return undefined;
  const late = rest.slice(0, endOf(rest, /[?#]/)).lastIndexOf("@");
  return late > colon ? late : undefined;
}

function endOf(text: string, stop: RegExp): number {
  const index = text.search(stop);
  return index < 0 ? text.length : index;
}
