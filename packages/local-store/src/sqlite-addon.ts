// better-sqlite3's compiled addon, loaded from where its build puts it (node-gyp and prebuild-install both put it
// in build/Release). Left to itself, better-sqlite3 finds the file through the `bindings` package, which tries a
// dozen candidate paths first: ~6 ms, a third of what opening the database costs a short command. Where the file is
// not there (another build layout), better-sqlite3 looks; the CLI bundle, which bundles better-sqlite3's JavaScript,
// relies on this file being found. Every connection to a Nix database, in any package, passes this option.

import { createRequire } from "node:module";
import type Database from "better-sqlite3";

const ADDON = "better-sqlite3/build/Release/better_sqlite3.node";
let addonFile: string | null | undefined;

/** Options for `new Database(...)` that name the addon's file (none when better-sqlite3 must find it itself). */
export function sqliteAddonOption(): Pick<Database.Options, "nativeBinding"> {
  if (addonFile === undefined) {
    try {
      addonFile = createRequire(import.meta.url).resolve(ADDON);
    } catch {
      addonFile = null;
    }
  }
  return addonFile === null ? {} : { nativeBinding: addonFile };
}
