// Parses the store URLs that name a local Nix store — `local`, `auto`, `local?root=/dir&store=…&state=…` and a
// bare path meaning `local?root=<path>` — into LocalStoreOptions; every other kind of store is refused by name.

import { isAbsolute, resolve } from "node:path";
import { LocalStoreError } from "./errors.js";

export interface LocalStoreOptions {
  /** Chroot directory: the database is `<root><stateDir>/db/db.sqlite`, paths live at `<root><storeDir>/…`. */
  root?: string;
  /** Logical store directory recorded in the database (default `/nix/store`). */
  storeDir?: string;
  /** Nix state directory holding `db/db.sqlite` (default `/nix/var/nix`, or `<root>/nix/var/nix` with a root). */
  stateDir?: string;
}

const LOCAL_SCHEMES = new Set(["local", "auto"]);
/** Store URL settings that map to an option; `log` and `real` are accepted by Nix but irrelevant or unsupported here. */
const SETTING_TO_OPTION = { root: "root", store: "storeDir", state: "stateDir" } as const;
const IGNORED_SETTINGS = new Set(["log"]);

/**
 * `local` and `auto` (read as `local`: a read-only view never needs the daemon), with optional `?root=`, `store=`,
 * `state=` settings; or a path containing `/` (relative ones resolved against the working directory), which Nix
 * reads as `local?root=<absolute path>`.
 */
export function parseLocalStoreUrl(text: string): LocalStoreOptions {
  const trimmed = text.trim();
  if (trimmed === "") throw badUrl(text, 'a local store URL must not be empty; use "local"');
  if (!trimmed.includes("://") && !trimmed.includes("?") && trimmed.includes("/")) {
    return { root: resolve(trimmed) };
  }
  const question = trimmed.indexOf("?");
  const scheme = question < 0 ? trimmed : trimmed.slice(0, question);
  if (!LOCAL_SCHEMES.has(scheme)) {
    throw badUrl(
      text,
      `only "local", "auto" or a filesystem path name a local Nix store; ${JSON.stringify(scheme)} does not (binary caches are opened with @narwhal/store-url, the daemon is not supported)`,
    );
  }
  return question < 0 ? {} : parseSettings(text, trimmed.slice(question + 1));
}

function parseSettings(text: string, query: string): LocalStoreOptions {
  const options: LocalStoreOptions = {};
  for (const [name, value] of new URLSearchParams(query)) {
    if (IGNORED_SETTINGS.has(name)) continue;
    if (!(name in SETTING_TO_OPTION)) {
      throw badUrl(
        text,
        `unknown setting ${JSON.stringify(name)}; a local store accepts ${Object.keys(SETTING_TO_OPTION).join(", ")}`,
      );
    }
    if (!isAbsolute(value))
      throw badUrl(text, `setting ${name} must be an absolute path, got ${JSON.stringify(value)}`);
    options[SETTING_TO_OPTION[name as keyof typeof SETTING_TO_OPTION]] = value;
  }
  return options;
}

function badUrl(text: string, rule: string): LocalStoreError {
  return new LocalStoreError("LOCAL_STORE_BAD_URL", text, `invalid local store URL ${JSON.stringify(text)}: ${rule}`);
}
