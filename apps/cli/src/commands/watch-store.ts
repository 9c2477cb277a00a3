// `narwhal watch-store --to URL`: pushes every path that becomes valid in the local Nix store, and every path
// `queue-push` queued, into a binary cache until SIGTERM/SIGINT; --json prints one line per path pushed or failed.

import { isLocalStoreUrl } from "@narwhal/engine";
import { type PushEvent, defaultQueueDirectory, watchStore } from "@narwhal/push-queue";
import { redactStoreUrl } from "@narwhal/store-url";
import type { Command, CommandContext } from "../command.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";
import { UsageError } from "../usage-error.js";
import { CopyProgress } from "./copy-progress.js";
import { storeOpenOptionsFromNixConf, storeUrlOption } from "./store-access.js";

/** How long a stopped watcher may linger (a socket still closing) before it exits anyway. */
const EXIT_GRACE_MS = 2_000;

export const watchStoreCommand: Command = {
  words: ["watch-store"],
  summary: "push every new path of the local Nix store (and every queued one) into a binary cache, until stopped",
  usage: "watch-store --to URL [--from local?root=DIR] [--jobs N] [--queue DIR] [--json]",
  description:
    "Watches the local Nix store's database and pushes each path that becomes valid (not .drv files), with its\n" +
    "closure, into the cache; paths handed in by 'narwhal queue-push' (a post-build-hook) are pushed too. New paths\n" +
    "go through a queue on disk first, so nothing is lost when the watcher is killed: the next one resumes where it\n" +
    "stopped. A failed path is retried with backoff while the others go on; one that keeps failing is skipped,\n" +
    "reported and kept in the queue's failed/ directory. SIGTERM or SIGINT stops taking paths, lets the uploads in\n" +
    "flight finish for --stop-timeout seconds, aborts the rest (a second signal aborts at once) and exits 0; the\n" +
    "cache never holds a narinfo without its NAR and references.",
  options: {
    to: { type: "string" },
    from: { type: "string" },
    jobs: { type: "string" },
    queue: { type: "string" },
    json: { type: "boolean" },
    retries: { type: "string" },
    "retry-delay": { type: "string" },
    "poll-interval": { type: "string" },
    "stop-timeout": { type: "string" },
  },
  optionHelp: [
    ["--to URL", "the binary cache: s3://BUCKET?..., file:///DIR?..."],
    ["--from URL", "the local store to watch: local (default) or local?root=DIR"],
    ["--jobs N", "NAR uploads at once (default 4)"],
    ["--queue DIR", `the push queue (default ${defaultQueueDirectory()} for this user; see queue-push)`],
    ["--json", "print one JSON line per event on stdout (watching, pushed, retrying, failed, stopping, stopped)"],
    ["--retries N", "attempts after the first before a failing path is skipped (default 5)"],
    ["--retry-delay SECONDS", "wait before the first retry, doubled for each next one up to 10 min (default 2)"],
    [
      "--poll-interval SECONDS",
      "look at the database and the queue this often even without change events (default 30)",
    ],
    [
      "--stop-timeout SECONDS",
      "after SIGTERM/SIGINT, let uploads in flight finish this long before aborting them (default 10)",
    ],
  ],
  arity: [0, 0],
  async run(ctx) {
    const { options } = ctx;
    const to = storeUrlOption(options, "to");
    if (isLocalStoreUrl(to)) throw new UsageError(`watch-store: --to must be a binary cache URL, got '${to}'`);
    const from = typeof options.from === "string" && options.from !== "" ? options.from : "local";
    if (!isLocalStoreUrl(from))
      throw new UsageError(`watch-store: --from must name a local Nix store (local, local?root=DIR), got '${from}'`);
    const seconds = (name: string, fallback: number, zeroAllowed = false): number => {
      const text = options[name];
      if (text === undefined) return fallback;
      const value = Number(text);
      if (typeof text !== "string" || !/^\d+(\.\d+)?$/.test(text) || (!zeroAllowed && value === 0))
        throw new UsageError(
          `watch-store: --${name} must be a ${zeroAllowed ? "" : "positive "}number of seconds, got '${String(text)}'`,
        );
      return value * 1000;
    };
    const whole = (name: string, min: number): number | undefined => {
      const text = options[name];
      if (text === undefined) return undefined;
      if (typeof text !== "string" || !/^\d+$/.test(text) || Number(text) < min)
        throw new UsageError(`watch-store: --${name} must be a whole number of at least ${min}, got '${String(text)}'`);
      return Number(text);
    };
    const jobs = whole("jobs", 1);
    const retries = whole("retries", 0) ?? 5;
    const json = options.json === true;
    const stop = new AbortController();
    const abortUploads = new AbortController();
    const onSignal = (name: NodeJS.Signals): void => {
      if (!stop.signal.aborted) stop.abort(new Error(`${name} received`));
      else abortUploads.abort(new Error(`${name} received twice`));
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    try {
      await watchStore({
        from,
        to,
        destinationOptions: storeOpenOptionsFromNixConf(),
        queueDirectory:
          typeof options.queue === "string" && options.queue !== "" ? options.queue : defaultQueueDirectory(),
        ...(jobs === undefined ? {} : { jobs }),
        retry: { retries, firstDelayMs: seconds("retry-delay", 2_000, true), maxDelayMs: 600_000 },
        pollIntervalMs: seconds("poll-interval", 30_000),
        stopTimeoutMs: seconds("stop-timeout", 10_000, true),
        stop: stop.signal,
        abortUploads: abortUploads.signal,
        onEvent: (event) => (json ? printJson(ctx, event) : printLine(ctx, event)),
        copyProgress: () => {
          const progress = new CopyProgress(ctx.stderr);
          return { reporter: progress.reporter, done: () => progress.done() };
        },
      });
      return 0; // every path is accounted for in the events (and failed/ of the queue); a stopped watcher exits 0
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      if (stop.signal.aborted) setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    }
  },
};

function printJson(ctx: CommandContext, event: PushEvent): void {
  const { type, ...rest } = redacted(event);
  ctx.stdout.write(`${jsonForTerminal({ event: type, ...rest })}\n`);
}

/** URLs in an event (the destination, an error's text) lose their passwords, as in every narwhal message. */
function redacted(event: PushEvent): PushEvent {
  if (event.type === "watching") return { ...event, to: redactStoreUrl(event.to) };
  if (event.type === "retrying" || event.type === "failed") return { ...event, error: redactStoreUrl(event.error) };
  return event;
}

/** Without --json: one line on stderr per path pushed, retried or skipped (a service's log). */
function printLine(ctx: CommandContext, shown: PushEvent): void {
  const event = redacted(shown);
  let line: string;
  switch (event.type) {
    case "watching":
      line = `watching ${event.store} (${event.database}), pushing to ${event.to}; queue ${event.queue} (${event.queued} waiting)`;
      break;
    case "pushed":
      line = `pushed ${event.path}${event.uploaded ? "" : " (already in the cache)"}`;
      break;
    case "retrying":
      line = `warning: ${event.path}: attempt ${event.attempt} failed, retrying in ${event.retryInSeconds} s: ${event.error}`;
      break;
    case "failed":
      line = `error: skipping ${event.path} after ${event.attempts} attempt(s): ${event.error}`;
      break;
    case "stopping":
      line = `stopping (${event.reason})`;
      break;
    case "stopped":
      line = `stopped: ${event.pushed} pushed, ${event.failed} skipped, ${event.queued} left in the queue`;
      break;
  }
  ctx.stderr.write(`narwhal: watch-store: ${escapeForTerminal(line)}\n`);
}
