// `narwhal store gc --store URL --keep PATH... [--older-than D] [--grace D] [--settle D] [--dry-run]`: deletes what
// the kept closures do not need, never an object younger than the grace period (default 1h); a dry run lists it and
// its bytes.
import { DEFAULT_GRACE_MS, DEFAULT_SETTLE_MS, gcCache, parseDuration } from "@narwhal/cache-maintenance";
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";
import { STORE_OPTION, storeOpenOptionsFromNixConf, storeUrlOption } from "./store-access.js";
import { BinaryCacheStore } from "@narwhal/store";
import { formatBytes } from "./copy-to-local.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";

export const storeGc: Command = {
  words: ["store", "gc"],
  summary: "delete what the closures of the kept paths do not need from a binary cache",
  usage:
    "store gc --store URL --keep PATH... [--older-than DURATION] [--grace DURATION] [--settle DURATION] [--dry-run] [--json]",
  description:
    "Narinfos not reachable from the kept paths are deleted (referrers first), then NARs, listings and debuginfo links " +
    "no remaining narinfo needs. With --older-than, unreachable narinfos younger than that are kept (with their closures). " +
    "Nothing younger than --grace (default 1h) is deleted. Before deleting, the run announces what it will delete, " +
    "waits --settle (default 30s) and keeps whatever a push published meanwhile needs. Durations: 90s, 30m, 1h, 7d, 2w.",
  options: {
    ...STORE_OPTION,
    keep: { type: "string", multiple: true },
    "older-than": { type: "string" },
    grace: { type: "string" },
    settle: { type: "string" },
    "dry-run": { type: "boolean" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["--store URL", "the binary cache"],
    ["--keep PATH", "a store path whose closure stays (repeatable; more paths may follow as arguments)"],
    ["--older-than DURATION", "only delete unreachable narinfos older than this"],
    ["--grace DURATION", "never delete objects younger than this (default 1h)"],
    ["--settle DURATION", "wait this long between announcing the deletions and the re-scan (default 30s)"],
    ["--dry-run", "print what would be deleted and how many bytes"],
    ["--json", "print the report as JSON"],
  ],
  arity: [0, Infinity],
  async run({ args, options, stdout, own }) {
    const keepFlag = options.keep;
    const keep = [...(Array.isArray(keepFlag) ? keepFlag : []), ...args];
    if (keep.length === 0)
      throw new UsageError("store gc: --keep PATH is required (a gc without roots would delete everything)");
    const olderThan = typeof options["older-than"] === "string" ? parseDuration(options["older-than"]) : undefined;
    const grace = typeof options.grace === "string" ? parseDuration(options.grace) : DEFAULT_GRACE_MS;
    const settle = typeof options.settle === "string" ? parseDuration(options.settle) : DEFAULT_SETTLE_MS;
    const store = own(
      await BinaryCacheStore.open(storeUrlOption(options), {
        ...storeOpenOptionsFromNixConf(),
        createCacheInfo: false,
        requireSigs: false,
      }),
    );
    const report = await gcCache(store, {
      keep,
      graceMs: grace,
      settleMs: settle,
      dryRun: options["dry-run"] === true,
      ...(olderThan === undefined ? {} : { olderThanMs: olderThan }),
    });
    if (options.json === true) {
      stdout.write(`${jsonForTerminal(report)}\n`);
    } else {
      const verb = report.dryRun ? "would delete" : "deleted";
      for (const item of report.deleted) stdout.write(`${verb} ${escapeForTerminal(item.key)} (${item.size} bytes)\n`);
      for (const root of report.missingRoots)
        stdout.write(`warning: kept path ${root} has no narinfo in ${store.url}\n`);
      for (const key of report.unreadable) stdout.write(`warning: kept unreadable narinfo ${escapeForTerminal(key)}\n`);
      for (const path of report.rescued) stdout.write(`kept ${path}: a narinfo published during the run needs it\n`);
      stdout.write(
        `${verb} ${report.deleted.length} objects, ${formatBytes(report.bytes)} (${report.bytes} bytes); ${report.keptNarInfos} narinfos kept\n`,
      );
    }
  },
};
