// Bundles the CLI: src/main.ts with every @narwhal package and pure-JavaScript dependency it imports, into
// dist/main.js plus chunks that each command loads on first use (dist/chunks/), and the restore worker threads'
// module into dist/restore-worker.js. Loading ~200 separate ES modules
// was most of a short command's time (Node 20 reads each with several asynchronous file-system calls); a bundle
// is a few files. What stays outside, imported at run time:
// - Node's built-in modules;
// - packages with a native addon (a binding.gyp, or a dependency on bindings / node-gyp-build / prebuild-install /
//   node-addon-api), which find their compiled library next to their own files; each must be a dependency of
//   @narwhal/cli, so that it resolves from dist/ (checked below). Bundled all the same: those whose addon file the
//   code using them names (BUNDLED_WITH_ADDON_NAMED); only that file is loaded from their package;
// - a workspace package's `package-files` module, the one place that package locates its own files (native
//   dependencies, worker and child-process modules): it is imported as "<package>/package-files", so its
//   import.meta.url is in that package, and the worker threads it starts load that package's own dist/.

import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(cliRoot, "dist");
const cliManifest = JSON.parse(readFileSync(join(cliRoot, "package.json"), "utf8"));
const declared = new Set([
  ...Object.keys(cliManifest.dependencies ?? {}),
  ...Object.keys(cliManifest.optionalDependencies ?? {}),
]);
const NATIVE_LOADERS = ["bindings", "node-gyp-build", "prebuild-install", "node-addon-api"];
/**
 * Packages with an addon whose JavaScript is bundled all the same, because the code using them names the addon's
 * file itself, so nothing in them looks for it beside their own files. Their 12 CommonJS files took ~11 ms to load.
 */
const BUNDLED_WITH_ADDON_NAMED = new Set([
  "better-sqlite3", // @narwhal/local-store's sqlite-addon.ts passes the .node file as `nativeBinding`
]);

/** The package.json (directory and contents) that owns `file`. */
function owningPackage(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return { dir, manifest: JSON.parse(readFileSync(manifest, "utf8")) };
  }
  throw new Error(`bundle: no package.json above ${file}`);
}

/** The package name of a bare specifier ("@scope/name/sub" -> "@scope/name"). */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const nativeVerdicts = new Map();
/** Whether the package `name`, as resolved from `importer`, carries a native addon. */
function isNative(name, importer) {
  const entry = createRequire(importer).resolve.paths(name) ?? [];
  const dir = entry.map((base) => join(base, name)).find((candidate) => existsSync(join(candidate, "package.json")));
  if (dir === undefined) return false; // esbuild reports what it cannot resolve
  if (!nativeVerdicts.has(dir)) {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    nativeVerdicts.set(
      dir,
      existsSync(join(dir, "binding.gyp")) || manifest.gypfile === true || NATIVE_LOADERS.some((n) => n in deps),
    );
  }
  return nativeVerdicts.get(dir);
}

const keepOutside = {
  name: "narwhal-keep-outside",
  setup(bundle) {
    bundle.onResolve({ filter: /(^|\/)package-files\.js$/ }, (args) => {
      if (!args.path.startsWith(".")) return undefined;
      const { dir, manifest } = owningPackage(args.importer);
      if (manifest.exports?.["./package-files"] === undefined) {
        throw new Error(`bundle: ${manifest.name} has a package-files module but does not export "./package-files"`);
      }
      if (resolve(dirname(args.importer), args.path) !== join(dir, "dist", "package-files.js")) {
        throw new Error(`bundle: ${args.importer} imports a package-files module outside ${manifest.name}'s dist/`);
      }
      return { path: `${manifest.name}/package-files`, external: true };
    });
    bundle.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      const name = packageName(args.path);
      if (BUNDLED_WITH_ADDON_NAMED.has(name) || !isNative(name, args.importer)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

rmSync(outdir, { recursive: true, force: true }); // no output of an earlier build may ship
const result = await build({
  entryPoints: {
    main: join(cliRoot, "src", "main.ts"),
    // Worker threads load it by file (see restore-workers.ts in the CLI); bundled, it starts like the CLI does.
    "restore-worker": createRequire(join(cliRoot, "package.json")).resolve("@narwhal/fetch/restore-worker"),
  },
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  mainFields: ["module", "main"],
  keepNames: true, // error classes keep their names in messages and `name`
  metafile: true,
  logLevel: "warning",
  // CommonJS dependencies in an ES-module bundle call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __bundleCreateRequire } from "node:module";\nconst require = __bundleCreateRequire(import.meta.url);',
  },
  plugins: [keepOutside],
});

const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || isBuiltin(path)) continue; // "fs" as well as "node:fs" (a bundled CommonJS require)
    if (!declared.has(packageName(path))) undeclared.add(packageName(path));
  }
}
if (undeclared.size > 0) {
  console.error(
    `bundle: dist/ imports ${[...undeclared].join(", ")} at run time, but ${cliManifest.name} does not depend on ${undeclared.size === 1 ? "it" : "them"}; add ${undeclared.size === 1 ? "it" : "them"} to apps/cli/package.json dependencies`,
  );
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
const files = Object.keys(result.metafile.outputs).length;
console.log(
  `bundle: ${relative(cliRoot, outdir) + sep}main.js, restore-worker.js and ${files - 2} chunks, ${(bytes / 1024).toFixed(0)} KiB`,
);
