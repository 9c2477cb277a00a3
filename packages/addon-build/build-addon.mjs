#!/usr/bin/env node
// narwhal-build-addon: builds the optional native addon of the package in the current directory (an npm script's
// directory) with node-gyp, against this Node's own headers when the machine has them (no download).
//   --if-missing  do nothing when the addon's .node file exists (install time)
//   --optional    a failed build only warns: the package's users then fall back to their JavaScript path
// The package's package.json says what to build and what to tell a user when it fails, under "narwhalAddon":
//   { "file": "build/Release/x.node", "what": "the native x decoder", "needs": "libx with its headers (Debian: libx-dev)",
//     "otherwise": "@narwhal/codecs will decode x with ..." }
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { buildNeeds, readAddonManifest } = require("./addon-manifest.cjs");
const packageDir = process.cwd();
let name;
let addon;
try {
  ({ name, addon } = readAddonManifest(packageDir));
} catch (error) {
  console.error(`narwhal-build-addon: ${error.message}`);
  process.exit(1);
}
const flags = new Set(process.argv.slice(2));

if (flags.has("--if-missing") && existsSync(join(packageDir, addon.file))) process.exit(0);

/** A Node install prefix whose include/node has node_api.h, so node-gyp needs no header download. */
function localNodeDir() {
  const candidates = [process.env.npm_config_nodedir, process.config.variables.node_prefix, "/usr", "/usr/local"];
  return candidates.find((dir) => dir && existsSync(join(dir, "include", "node", "node_api.h")));
}

/** The package manager's node-gyp (npm names it for its scripts), else our own dependency's. */
function nodeGypScript() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  try {
    return require.resolve("node-gyp/bin/node-gyp.js");
  } catch {
    return undefined;
  }
}

const script = nodeGypScript();
const nodeDir = localNodeDir();
const result =
  script === undefined
    ? { status: 1, error: new Error("node-gyp is not installed") }
    : spawnSync(
        process.execPath,
        [script, "rebuild", "--loglevel=warn", ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])],
        { cwd: packageDir, stdio: ["ignore", "ignore", "inherit"] },
      );
if (result.status === 0 && existsSync(join(packageDir, addon.file))) process.exit(0);

const reason = result.error?.message ?? `node-gyp exited with ${result.status ?? result.signal}`;
const message = `${name}: could not build ${addon.what} (${reason}); it needs ${buildNeeds(addon)}`;
if (flags.has("--optional")) {
  console.warn(`${message}. ${addon.otherwise}.`);
  process.exit(0);
}
console.error(message);
process.exit(1);
