// Secret key files on disk: the warning for a file whose mode lets group or others read it (from its stat alone,
// the key is never read for it), and reading plus parsing a key file with errors that never echo its content.

import { open } from "node:fs/promises";
import { KeyError } from "./errors.js";
import { quoteForMessage } from "./message-text.js";
import { parseSecretKey, type SecretKey } from "./secret-key.js";

/** A secret key file that others than its owner may read. */
export interface SecretKeyFileWarning {
  readonly code: "KEY_FILE_READABLE_BY_OTHERS";
  /** The file, as given. */
  readonly path: string;
  /** The permission bits (mode & 0o7777). */
  readonly mode: number;
  /** One line naming the file, who can read it, and `chmod 600`. */
  readonly message: string;
}

const GROUP_READ = 0o040;
const OTHER_READ = 0o004;

/**
 * The warning for a secret key file whose mode allows group or other read (mode & 0o044), else undefined.
 * Pure: pass the file's `stat` (or anything with its `mode`); the file is not opened. Always undefined on Windows,
 * where mode bits do not describe who may read a file.
 */
export function secretKeyFileWarning(path: string, stats: { readonly mode: number }): SecretKeyFileWarning | undefined {
  if (process.platform === "win32") return undefined;
  const mode = stats.mode & 0o7777;
  const readers = [mode & GROUP_READ ? "group" : undefined, mode & OTHER_READ ? "others" : undefined].filter(
    (who) => who !== undefined,
  );
  if (readers.length === 0) return undefined;
  const shown = quoteForMessage(path);
  return {
    code: "KEY_FILE_READABLE_BY_OTHERS",
    path,
    mode,
    message: `secret key file ${shown} is readable by ${readers.join(" and ")} (mode 0${mode.toString(8)}); run chmod 600 ${shown}`,
  };
}

export interface ReadSecretKeyFileOptions {
  /** Called once, before the key is parsed, when the file is readable by group or others; default: no warning. */
  readonly onWarning?: (warning: SecretKeyFileWarning) => void;
}

/**
 * Reads and parses a Nix secret key file verbatim (as Nix does: no trimming). The mode is checked on the opened
 * file, so the warning is about the very file read. Errors (KEY_FILE_UNREADABLE, or parseSecretKey's) name the file
 * and never contain its content.
 */
export async function readSecretKeyFile(path: string, options: ReadSecretKeyFileOptions = {}): Promise<SecretKey> {
  let text: string;
  let warning: SecretKeyFileWarning | undefined;
  try {
    const file = await open(path, "r");
    try {
      warning = secretKeyFileWarning(path, await file.stat());
      text = await file.readFile("utf8");
    } finally {
      await file.close();
    }
  } catch (error) {
    // Node's fs messages name the syscall and the path, never the file's content.
    throw new KeyError("KEY_FILE_UNREADABLE", path, `cannot read the secret key file: ${(error as Error).message}`);
  }
  if (warning !== undefined) options.onWarning?.(warning);
  return parseSecretKey(text, path);
}
