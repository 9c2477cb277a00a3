// How refused input appears in error messages: untrusted text quoted with every control character escaped, and a
// `<name>:<base64>` text shown by its name part only, so no message ever carries key or signature bytes.

/** Control characters JSON.stringify leaves raw but a terminal may act on: DEL, C1 (0x9b is CSI), line separators. */
const RAW_AFTER_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/** Shows an untrusted text in an error message: double-quoted, every control character escaped, cut at 120 characters. */
export function quoteForMessage(text: string): string {
  const short = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(short).replace(
    RAW_AFTER_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The part of a `<name>:<base64>` text an error may show: its name before the first ':', quoted and escaped, or
 * undefined when there is no non-empty name (a text without ':' may be a bare key payload, so none of it is shown).
 */
export function quotedKeyName(text: string): string | undefined {
  const colon = text.indexOf(":");
  return colon > 0 ? quoteForMessage(text.slice(0, colon)) : undefined;
}
