#!/usr/bin/env node
// pnpm pack-check: every public package of the workspace works on its own, as npm users get it. Each one is packed
// with `pnpm pack`, the tarballs are installed with plain `npm install` into an empty project outside the workspace
// (third-party dependencies from the npm registry), and then, from that project only:
//   - each package's files hold every target of its `exports` map and `bin`, and its packed package.json has no
//     `workspace:` range left;
//   - each bare module name its JavaScript imports or requires is a declared dependency (a dependency that only
//     resolved because the workspace hoisted it fails here, whichever other package happens to provide it);
//   - each key of its `exports` map imports in a fresh Node process;
//   - the CLI's bin runs from its tarball: `narwhal --version`, then `store add` of a directory into a signed
//     file:// cache and `fetch` of it back out, the fetched tree's NAR hash equal to the source's.
// Run after `pnpm build` (it packs dist/ as it is). Exit status 1 names each package and the rule it broke.
// Options: --keep leaves the temporary project in place and prints its path; --recheck DIR runs the checks again on
// a project an earlier --keep left (no packing or installing), e.g. after editing a package.json in it by hand.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";

const workspace = resolve(import.meta.dirname, "../..");
const keep = process.argv.includes("--keep");
const recheckIndex = process.argv.indexOf("--recheck");
const recheck = recheckIndex === -1 ? undefined : resolve(process.argv[recheckIndex + 1] ?? "");
const failures = [];
const fail = (pkg, rule) => {
  failures.push(`${pkg}: ${rule}`);
  console.error(`pack-check: FAIL ${pkg}: ${rule}`);
};
const step = (text) => console.log(`pack-check: ${text}`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

const exitOf = (result) => (result.signal ? `killed by ${result.signal}` : `exit ${result.status}`);

function mustRun(command, args, options = {}) {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status}\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** The workspace's packages that are published: `pnpm ls -r` lists every project with its `private` flag. */
function publicPackages() {
  const projects = JSON.parse(mustRun("pnpm", ["ls", "-r", "--depth", "-1", "--json"], { cwd: workspace }));
  return projects
    .filter((project) => !project.private && project.path !== workspace)
    .map((project) => ({ name: project.name, version: project.version, dir: project.path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every file target named by an `exports` map (conditions nested at any depth), with the key it belongs to. */
function exportTargets(exportsField) {
  if (exportsField === undefined) return [];
  const map =
    typeof exportsField === "string" || Array.isArray(exportsField) || !Object.keys(exportsField)[0]?.startsWith(".")
      ? { ".": exportsField }
      : exportsField;
  const targets = [];
  const walk = (key, value) => {
    if (typeof value === "string") targets.push({ key, target: value });
    else if (Array.isArray(value)) for (const item of value) walk(key, item);
    else if (value !== null && typeof value === "object") for (const inner of Object.values(value)) walk(key, inner);
  };
  for (const [key, value] of Object.entries(map)) walk(key, value);
  return targets;
}

function exportKeys(exportsField) {
  return [...new Set(exportTargets(exportsField).map(({ key }) => key))];
}

function javascriptFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") found.push(...javascriptFiles(path));
    } else if (/\.(c|m)?js$/.test(entry.name)) found.push(path);
  }
  return found;
}

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Bare module names a compiled file imports or requires (static, dynamic with a literal, createRequire calls). */
function importedPackages(source) {
  const names = new Set();
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\bcreateRequire\([^)]*\)\(\s*["']([^"']+)["']\s*\)/g,
  ];
  // Comments and prose may quote imports; they are not code. A module specifier never contains white space, so a
  // string or template literal that does (an error message telling the user to `require("x")`) is dropped.
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, (literal) =>
      /\s/.test(literal) ? '""' : literal,
    );
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1];
      if (specifier.startsWith(".") || specifier.startsWith("/") || builtins.has(specifier)) continue;
      if (specifier.startsWith("node:")) continue;
      const parts = specifier.split("/");
      names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
    }
  }
  return names;
}

function checkInstalledFiles(pkg, installedDir) {
  const manifest = JSON.parse(readFileSync(join(installedDir, "package.json"), "utf8"));
  if (JSON.stringify(manifest).includes('"workspace:'))
    fail(pkg.name, "its packed package.json keeps a workspace: range");
  if (!Array.isArray(manifest.files)) fail(pkg.name, 'package.json has no "files" list (it would publish everything)');
  if (!manifest.engines?.node) fail(pkg.name, 'package.json has no "engines.node"');
  if (manifest.exports === undefined && manifest.bin === undefined) fail(pkg.name, 'package.json has no "exports"');
  for (const { key, target } of exportTargets(manifest.exports)) {
    if (!existsSync(join(installedDir, target)))
      fail(pkg.name, `exports["${key}"] names ${target}, not in the tarball`);
  }
  const bins = typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
  for (const [command, target] of Object.entries(bins)) {
    const path = join(installedDir, target);
    if (!existsSync(path)) fail(pkg.name, `bin "${command}" names ${target}, not in the tarball`);
    else if (!readFileSync(path, "utf8").startsWith("#!"))
      fail(pkg.name, `bin "${command}" (${target}) has no #! line`);
  }
  const declared = new Set(
    [manifest.dependencies, manifest.optionalDependencies, manifest.peerDependencies].flatMap((deps) =>
      Object.keys(deps ?? {}),
    ),
  );
  for (const file of javascriptFiles(installedDir)) {
    for (const name of importedPackages(readFileSync(file, "utf8"))) {
      if (name !== manifest.name && !declared.has(name)) {
        fail(pkg.name, `${relative(installedDir, file)} imports ${name}, which is not in its dependencies`);
      }
    }
  }
  return manifest;
}

function checkImports(pkg, manifest, project) {
  for (const key of exportKeys(manifest.exports)) {
    const specifier = key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`;
    const load = specifier.endsWith(".json")
      ? `await import(${JSON.stringify(specifier)}, { with: { type: "json" } })`
      : `await import(${JSON.stringify(specifier)})`;
    const result = run(process.execPath, ["--input-type=module", "-e", load], { cwd: project });
    if (result.status !== 0) {
      fail(pkg.name, `import of "${specifier}" failed (${exitOf(result)}):\n${result.stderr.trim()}`);
    }
  }
}

function checkCli(project, cliVersion) {
  const narwhal = join(project, "node_modules", ".bin", "narwhal");
  const cli = (args, input) => run(narwhal, args, { cwd: project, input });
  const version = cli(["--version"]);
  if (version.status !== 0 || version.stdout.trim() !== `narwhal ${cliVersion}`) {
    fail("@narwhal/cli", `narwhal --version printed ${JSON.stringify(version.stdout + version.stderr)}`);
    return;
  }
  const work = join(project, "cli-run");
  const source = join(work, "source");
  mkdirSync(join(source, "sub"), { recursive: true });
  writeFileSync(join(source, "hello.txt"), "hello from the pack check\n");
  writeFileSync(join(source, "sub", "data.bin"), Buffer.alloc(256 * 1024, 7));
  const generated = cli(["key", "generate-secret", "--key-name", "pack-check-1"]);
  writeFileSync(join(work, "secret.key"), generated.stdout);
  const publicKey = cli(["key", "convert-secret-to-public"], generated.stdout).stdout.trim();
  const cache = `file://${join(work, "cache")}`;
  const added = cli([
    "store",
    "add",
    source,
    "--to",
    `${cache}?compression=zstd&secret-key=${join(work, "secret.key")}`,
  ]);
  const storePath = added.stdout.trim();
  if (added.status !== 0 || !storePath.startsWith("/nix/store/")) {
    fail("@narwhal/cli", `narwhal store add failed (${exitOf(added)}): ${added.stderr.trim()}`);
    return;
  }
  const out = join(work, "fetched");
  const fetched = cli(["fetch", "--from", cache, "--trusted-public-keys", publicKey, storePath, "--out", out]);
  if (fetched.status !== 0) {
    fail("@narwhal/cli", `narwhal fetch failed (${exitOf(fetched)}): ${fetched.stderr.trim()}`);
    return;
  }
  const hash = (dir) => cli(["hash", "path", "--base32", dir]).stdout.trim();
  if (hash(source) !== hash(out) || hash(source) === "") {
    fail("@narwhal/cli", "narwhal fetch restored a tree whose NAR hash differs from the source");
    return;
  }
  step(`narwhal ${cliVersion} from its tarball: --version, store add ${storePath} into ${cache}, fetch back: ok`);
}

/** The checks on an installed project; `packages` names the public packages it must hold. */
function checkProject(project, packages) {
  let cliVersion;
  for (const pkg of packages) {
    const installedDir = join(project, "node_modules", ...pkg.name.split("/"));
    if (!existsSync(join(installedDir, "package.json"))) {
      fail(pkg.name, `not installed in ${project}`);
      continue;
    }
    const manifest = checkInstalledFiles(pkg, installedDir);
    checkImports(pkg, manifest, project);
    if (manifest.bin?.narwhal) cliVersion = manifest.version;
    step(`${pkg.name}@${manifest.version}: files, dependencies, ${exportKeys(manifest.exports).length} entry points`);
  }
  if (cliVersion === undefined) fail("@narwhal/cli", "no public package has the narwhal bin");
  else checkCli(project, cliVersion);
}

/** Packs every public package and installs the tarballs with npm into `project`; false if npm failed. */
function packAndInstall(project, packages) {
  const tarballs = join(project, "tarballs");
  mkdirSync(tarballs);
  step(`packing ${packages.length} public packages`);
  const dependencies = {};
  for (const pkg of packages) {
    const packed = JSON.parse(mustRun("pnpm", ["pack", "--json", "--pack-destination", tarballs], { cwd: pkg.dir }));
    const tarball = packed.filename;
    if (!existsSync(tarball) || statSync(tarball).size === 0) {
      throw new Error(`pnpm pack made no tarball for ${pkg.name}`);
    }
    dependencies[pkg.name] = `file:${tarball}`;
  }
  const manifest = { name: "narwhal-pack-check", private: true, type: "module", dependencies, overrides: dependencies };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  step(`npm install of the tarballs in ${project}`);
  // As a user installs: prebuilt addons where a package ships them, compiled (against npm_config_nodedir's headers,
  // when set) where it does not; a CI's "build everything from source" does not apply here.
  const { npm_config_build_from_source: _fromSource, ...userEnv } = process.env;
  const install = run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: project,
    env: userEnv,
  });
  if (install.status === 0) return true;
  fail(
    "(npm install)",
    `npm install of the tarballs exited with ${install.status}:\n${install.stdout}${install.stderr}`,
  );
  return false;
}

const started = Date.now();
const packages = publicPackages();
if (recheck !== undefined) {
  rmSync(join(recheck, "cli-run"), { recursive: true, force: true });
  checkProject(recheck, packages);
} else {
  const project = mkdtempSync(join(tmpdir(), "narwhal-pack-check-"));
  if (!relative(workspace, project).startsWith(`..${sep}`)) throw new Error(`${project} is inside the workspace`);
  try {
    if (packAndInstall(project, packages)) checkProject(project, packages);
  } finally {
    if (keep) step(`kept ${project}`);
    else rmSync(project, { recursive: true, force: true });
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`pack-check: ${failures.length} problem(s) in ${seconds} s`);
  process.exit(1);
}
step(`${packages.length} packages install and work on their own (${seconds} s, node ${process.version})`);
