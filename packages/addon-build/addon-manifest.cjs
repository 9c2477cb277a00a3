// An addon package's "narwhalAddon" entry (what to build, what it needs, what its users do without it), read in one
// place for the build step and for the package's loader, so both tell a user the same thing.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

/** The package.json of the addon package at `packageDir`, and its checked "narwhalAddon" entry. */
function readAddonManifest(packageDir) {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
  const addon = manifest.narwhalAddon;
  if (!addon?.file || !addon.what || !addon.otherwise) {
    throw new Error(`${manifest.name ?? packageDir} has no "narwhalAddon" {file, what, otherwise} in its package.json`);
  }
  return { name: manifest.name ?? packageDir, addon };
}

/** What building the addon takes, as a phrase: "python3, make, a C compiler and liblzma with its headers (...)". */
function buildNeeds(addon) {
  const needs = ["python3", "make", "a C compiler", ...(addon.needs ? [addon.needs] : [])];
  return `${needs.slice(0, -1).join(", ")} and ${needs.at(-1)}`;
}

/**
 * The compiled addon of the package at `packageDir`. When it was not built, one clear error: which package, what
 * is missing, what building it takes, and what its users do instead (they catch this and fall back).
 */
function loadAddon(packageDir) {
  const { name, addon } = readAddonManifest(packageDir);
  try {
    return require(path.join(packageDir, addon.file));
  } catch (cause) {
    throw new Error(
      `${name} is not built (${addon.what}): run its build script, which needs node-gyp, ${buildNeeds(addon)}; ${addon.otherwise}`,
      { cause },
    );
  }
}

module.exports = { readAddonManifest, buildNeeds, loadAddon };
