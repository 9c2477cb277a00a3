// narwhal's version, read once from the CLI package's own package.json (found by the package's name, so it is the
// same whether this runs from the bundle in dist/, from dist/ chunks or from sources).
import { createRequire } from "node:module";

const pkg = createRequire(import.meta.url)("@narwhal/cli/package.json") as { version: string };
export const VERSION: string = pkg.version;
