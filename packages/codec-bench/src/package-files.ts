// Where this package's own files are: the compiled module its measuring child processes run. This module is
// always loaded from this package's dist/ (a bundler keeps it as an import of "@narwhal/codec-bench/package-files",
// see apps/cli/scripts/bundle.mjs), so `import.meta.url` here names this package wherever its callers were bundled.

/**
 * The URL of a compiled module of this package, by its path under dist/ (e.g. "measure-child.js"):
 * from dist/ itself, or from dist/ beside src/ when this module runs from TypeScript sources (tests), since
 * child processes need compiled JavaScript.
 */
export function compiledModuleUrl(pathInDist: string): URL {
  const here = new URL(import.meta.url);
  return new URL(here.pathname.endsWith(".ts") ? `../dist/${pathInDist}` : `./${pathInDist}`, here);
}
