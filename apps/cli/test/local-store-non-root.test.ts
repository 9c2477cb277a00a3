// `copy --to local?root=DIR` run by an ordinary user (not root), as a chroot store usually is: a directory path is
// restored beside the store, canonicalised and moved in. Moving a directory into another parent rewrites its `..`
// entry, which needs write permission on it for anyone but root, so its final mode 0555 must come after the move.
// The CLI runs as `nobody` through setpriv; the test itself needs root to switch users (as CI runs it).
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasNix, NARWHAL, narwhal } from "./run-narwhal.js";

const NOBODY = 65534;
const canSwitchUser = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0;
if (!canSwitchUser && process.env.CI) throw new Error("CI runs as root with setpriv: this test must not be skipped");
/** `nobody` can run this Node.js (CI's Node 22/24 builds live under /root, which only root may enter; /usr/bin/node
 * serves the Node 20 line, where this test runs). */
const nobodyCanRunNode =
  canSwitchUser &&
  spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, "-e", "0"], {
    stdio: "ignore",
  }).status === 0;

function chownTree(path: string): void {
  chownSync(path, NOBODY, NOBODY);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name));
}

describe.skipIf(!nobodyCanRunNode)("copy into a local store as an ordinary user", () => {
  it("moves a directory path in, then gives it Nix's modes and times", async () => {
    const work = mkdtempSync(join(tmpdir(), "narwhal-non-root-"));
    chmodSync(work, 0o755);
    const source = join(work, "tree");
    mkdirSync(join(source, "sub"), { recursive: true });
    writeFileSync(join(source, "sub", "file"), "inside\n");
    writeFileSync(join(source, "top"), "top\n");
    const cache = `file://${join(work, "cache")}`;
    const added = await narwhal(["store", "add", source, "--to", cache, "--json"]);
    expect(added.status).toBe(0);
    const storePath = (JSON.parse(added.stdout.toString()) as { storePath: string }).storePath;
    chownTree(work);

    const root = join(work, "root");
    const copied = spawnSync(
      "setpriv",
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        "--clear-groups",
        process.execPath,
        NARWHAL,
        "copy",
        "--from",
        cache,
        "--to",
        `local?root=${root}`,
        "--no-require-sigs",
        storePath,
      ],
      { encoding: "utf8", env: { ...process.env, HOME: work } },
    );
    expect(copied.stderr).not.toContain("EACCES");
    expect(copied.status).toBe(0);

    const restored = join(root, storePath);
    expect(lstatSync(restored).uid).toBe(NOBODY);
    for (const dir of [restored, join(restored, "sub")]) {
      expect(lstatSync(dir).mode & 0o7777).toBe(0o555);
      expect(lstatSync(dir).mtimeMs).toBe(1000);
    }
    expect(lstatSync(join(restored, "top")).mode & 0o7777).toBe(0o444);
    expect(readFileSync(join(restored, "sub", "file"), "utf8")).toBe("inside\n");
    expect(readdirSync(join(root, "nix", "store")).filter((name) => name.startsWith("."))).toEqual([]);
    if (hasNix()) {
      // Real Nix finds the path valid in that store, and its contents match the registered NarHash.
      execFileSync("nix-store", ["--store", `local?root=${root}`, "--check-validity", storePath]);
      execFileSync("nix-store", ["--store", `local?root=${root}`, "--verify", "--check-contents"]);
    }
  });
});
