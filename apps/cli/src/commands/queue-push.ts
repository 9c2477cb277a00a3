// `narwhal queue-push PATH...`: Nix's post-build-hook. Queues the paths on disk (durably) for watch-store and
// returns at once; the build never waits for an upload, and a queued path waits for the next watcher.

import { PushQueue, defaultQueueDirectory } from "@narwhal/push-queue";
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

export const queuePushCommand: Command = {
  words: ["queue-push"],
  summary: "queue store paths for a running or later 'watch-store' (for Nix's post-build-hook)",
  usage: "queue-push [--queue DIR] [PATH...]",
  description:
    "Writes each PATH (a full store path) into the push queue and returns as soon as they are on disk; a running\n" +
    "'narwhal watch-store' picks them up at once, otherwise the next one does. Queuing a path twice queues it once.\n" +
    "Without PATH arguments it queues what Nix hands a post-build-hook: $OUT_PATHS, or when that is empty (Nix\n" +
    "2.8.0 leaves it empty, NixOS/nix#6446) the outputs of $DRV_PATH, which the watcher reads from the .drv.\n" +
    "As a post-build-hook (nix.conf: post-build-hook = /etc/nix/queue-push.sh) the script is:\n" +
    "  #!/bin/sh\n" +
    "  exec narwhal queue-push\n" +
    "The hook runs as root under nix-daemon: its default queue is /nix/var/narwhal/push-queue; a watcher running\n" +
    "as another user needs write access to that directory and --queue /nix/var/narwhal/push-queue.",
  options: {
    queue: { type: "string" },
  },
  optionHelp: [["--queue DIR", `the push queue (default ${defaultQueueDirectory()} for this user)`]],
  arity: [0, Number.POSITIVE_INFINITY],
  async run(ctx) {
    const directory =
      typeof ctx.options.queue === "string" && ctx.options.queue !== "" ? ctx.options.queue : defaultQueueDirectory();
    const fromHook = (process.env.OUT_PATHS ?? "").split(" ").filter(Boolean);
    const drvPath = process.env.DRV_PATH ?? "";
    const paths = ctx.args.length > 0 ? ctx.args : fromHook;
    if (paths.length === 0 && drvPath === "")
      throw new UsageError("queue-push: no paths given (name them, or run it as Nix's post-build-hook)");
    const queue = await PushQueue.open(directory);
    if (paths.length > 0) await queue.enqueue(paths);
    else await queue.enqueueOutputsOf(drvPath);
  },
};
