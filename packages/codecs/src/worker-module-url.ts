// Where worker threads find a codec plugin's chunk module: the URL it names, or, when that is a TypeScript source
// file's sibling that does not exist (a plugin running from sources in tests), the compiled one in dist/.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A chunk module URL that exists on disk: from sources, `src/x.js` is served by the compiled `dist/x.js`. */
export function chunkModuleUrl(moduleUrl: string): string {
  if (!moduleUrl.startsWith("file:") || existsSync(fileURLToPath(moduleUrl))) return moduleUrl;
  const compiled = moduleUrl.replace(/\/src\/(?!.*\/src\/)/, "/dist/");
  return existsSync(fileURLToPath(compiled)) ? compiled : moduleUrl;
}
