// The intake against a real Nix 2.8 database (a chroot store built into by nix-build): a first start queues only
// what becomes valid from then on (never .drv files), and a restart resumes at the durable cursor, so paths that
// became valid while no watcher ran are queued too.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PushQueue } from "../src/index.js";
import { NewPathIntake } from "../src/new-path-intake.js";
import { ValidPathFeed } from "../src/valid-path-feed.js";

const hasNix = spawnSync("nix-store", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasNix && process.env.CI)
  throw new Error("nix-store is not on PATH but CI is set: the intake tests need real Nix");

describe.skipIf(!hasNix)("new path intake", () => {
  const work = mkdtempSync(join(tmpdir(), "narwhal-intake-"));
  const root = join(work, "store");
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function build(label: string): string {
    const file = join(work, `${label}.nix`);
    writeFileSync(
      file,
      `derivation { name = "narwhal-intake-${label}"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo ${label} > $out" ]; PATH = "/usr/bin:/bin"; }`,
    );
    const result = spawnSync(
      "nix-build",
      [
        "--no-out-link",
        "--store",
        `local?root=${root}`,
        "--option",
        "sandbox-paths",
        "/bin=/bin /usr=/usr /lib=/lib /lib64=/lib64",
        file,
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`nix-build failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  async function queued(queue: PushQueue): Promise<string[]> {
    const paths: string[] = [];
    for await (const entry of queue.entries()) if ("path" in entry) paths.push(entry.path);
    return paths.sort();
  }

  it("queues new outputs (not .drv files) and resumes at its cursor after a restart", async () => {
    const before = build(`before-${process.pid}`);
    const queue = await PushQueue.open(join(work, "queue"));
    const feed = ValidPathFeed.open(join(root, "nix/var/nix/db/db.sqlite"));
    try {
      const first = await NewPathIntake.start(feed, queue);
      await first.drain();
      expect(await queued(queue)).toEqual([]); // what was there before the first start is not pushed
      const during = build(`during-${process.pid}`);
      await first.drain();
      expect(await queued(queue)).toEqual([during]);

      const whileDown = build(`down-${process.pid}`); // no intake running
      const second = await NewPathIntake.start(feed, queue);
      await second.drain();
      expect(await queued(queue)).toEqual([during, whileDown].sort());
      expect(await queued(queue)).not.toContain(before);
    } finally {
      feed.close();
    }
  });
});
