// Where this package's own files are: the worker-pool library (required from here, so it resolves from this
// package's node_modules) and the compiled restore worker. This module is always loaded from this package's dist/
// (a bundler keeps it as an import of "@narwhal/fetch/package-files", see apps/cli/scripts/bundle.mjs), so
// `import.meta.url` here names this package wherever the code that calls it was bundled.

import { createRequire } from "node:module";

/** require() resolving from this package (its dependencies). */
export const packageRequire = createRequire(import.meta.url);

/**
 * The URL of a compiled module of this package, by its path under dist/ (e.g. "restore-worker.js"): from dist/
 * itself, or from dist/ beside src/ when this module runs from TypeScript sources (tests), since worker threads
 * need compiled JavaScript.
 */
export function compiledModuleUrl(pathInDist: string): URL {
  const here = new URL(import.meta.url);
  return new URL(here.pathname.endsWith(".ts") ? `../dist/${pathInDist}` : `./${pathInDist}`, here);
}
