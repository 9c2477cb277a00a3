// Where worker threads find this package's compiled modules: dist/ beside the compiled caller, or dist/ next to src/
// when the caller runs from TypeScript sources (tests), since worker threads need compiled JavaScript.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The compiled JavaScript of a worker module of this package, e.g. "chunk-worker.js": beside this file, or in
 * dist/ when this module runs from TypeScript sources (tests), since worker threads need compiled code.
 */
export function workerModuleUrl(fileName: string): string {
  const here = new URL(import.meta.url);
  return new URL(here.pathname.endsWith(".ts") ? `../dist/${fileName}` : `./${fileName}`, here).href;
}

/** A chunk module URL that exists on disk: from sources, `src/x.js` is served by the compiled `dist/x.js`. */
export function chunkModuleUrl(moduleUrl: string): string {
  if (!moduleUrl.startsWith("file:") || existsSync(fileURLToPath(moduleUrl))) return moduleUrl;
  const compiled = moduleUrl.replace(/\/src\/(?!.*\/src\/)/, "/dist/");
  return existsSync(fileURLToPath(compiled)) ? compiled : moduleUrl;
}
