// Builds the addon with node-gyp against this Node's own headers when the machine has them (no download).
//   --if-missing  do nothing when build/Release/brotli_native.node exists (install time)
//   --optional    a failed build only warns: @narwhal/codecs then decodes brotli with node:zlib
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const addon = join(packageDir, "build", "Release", "brotli_native.node");
const flags = new Set(process.argv.slice(2));

if (flags.has("--if-missing") && existsSync(addon)) process.exit(0);

/** A Node install prefix whose include/node has node_api.h, so node-gyp needs no header download. */
function localNodeDir() {
  const candidates = [process.env.npm_config_nodedir, process.config.variables.node_prefix, "/usr", "/usr/local"];
  return candidates.find((dir) => dir && existsSync(join(dir, "include", "node", "node_api.h")));
}

function nodeGypScript() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
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
if (result.status === 0 && existsSync(addon)) process.exit(0);

const reason = result.error?.message ?? `node-gyp exited with ${result.status ?? result.signal}`;
const message = `@narwhal/brotli-native: could not build the native brotli decoder (${reason}); it needs python3, make, a C compiler and libbrotlidec with its headers (Debian: libbrotli-dev)`;
if (flags.has("--optional")) {
  console.warn(`${message}. @narwhal/codecs will decode brotli with node:zlib.`);
  process.exit(0);
}
console.error(message);
process.exit(1);
