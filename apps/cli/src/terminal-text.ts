// Makes text that came from cache data (narinfo fields, key names, NAR entry names, object keys) safe to print:
// control characters a terminal would act on become visible escapes, in plain text and in JSON output alike.

/**
 * C0 (0x00-0x1f, so also ESC, '\n', '\r', '\t'), DEL, C1 (0x80-0x9f: 0x9b alone is CSI on many terminals), the
 * line and paragraph separators, and the bidi embedding/override/isolate controls that reorder how a line reads.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** What JSON.stringify leaves raw of UNSAFE (it already escapes C0 as \u00XX or \n, \t, …). */
const UNSAFE_AFTER_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line of cache data as it may be printed: C0 and DEL become `\x1b`-style escapes, the others `\u009b`-style;
 * every other character (ordinary Unicode included) is kept. A backslash is kept as it is, so escapes are for
 * reading, not for reversing.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : unicodeEscape(code);
  });
}

/** JSON.stringify, with the characters it leaves raw (DEL, C1, U+2028/2029, bidi controls) as \u escapes: same JSON value. */
export function jsonForTerminal(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(UNSAFE_AFTER_JSON, (char) => unicodeEscape(char.charCodeAt(0)));
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}
