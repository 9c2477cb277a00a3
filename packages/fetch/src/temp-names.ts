// Names of the temp directories narwhal restores into beside a target: `.narwhal-<pid>-<label>-XXXXXX`, always
// within NAME_MAX (255 bytes) whatever the target's name, and recognisable so a later run can remove stale ones.

/** Every temp tree narwhal creates beside a target starts with this. */
export const TEMP_TREE_MARKER = ".narwhal-";
/** Bytes of the target's name kept in the temp name: a store path's 32-character hash part and the name's start. */
export const TEMP_LABEL_MAX_BYTES = 64;
/** Linux's NAME_MAX: the longest file name, in bytes. */
export const NAME_MAX = 255;

const TEMP_NAME = /^\.narwhal-(\d+)-.*-[A-Za-z0-9]{6}$/s;

/**
 * The mkdtemp prefix for a temp tree beside `targetName` (mkdtemp appends 6 characters). The label is the target's
 * name cut to TEMP_LABEL_MAX_BYTES on a UTF-8 character boundary, so the whole name stays well under NAME_MAX.
 */
export function tempTreePrefix(targetName: string, pid: number = process.pid): string {
  return `${TEMP_TREE_MARKER}${pid}-${truncateUtf8(targetName, TEMP_LABEL_MAX_BYTES)}-`;
}

/** The pid of the process that created a temp tree named `name`, or undefined when it is not one of ours. */
export function tempTreeOwner(name: string): number | undefined {
  const match = TEMP_NAME.exec(name);
  if (match === null) return undefined;
  const pid = Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** The longest prefix of `text` whose UTF-8 encoding has at most `maxBytes` bytes (never splits a character). */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back off continuation bytes
  return bytes.subarray(0, end).toString("utf8");
}
