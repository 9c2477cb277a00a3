// `narwhal store verify --store URL [--all | PATH...]`: checks signatures, NAR presence, FileSize/FileHash,
// NarSize/NarHash and references of narinfos (with --all also orphan NARs and incomplete uploads); exit 1 on damage.
import { verifyCache } from "@narwhal/cache-maintenance";
import type { Command } from "../command.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";
import { TransferProgress } from "../progress/transfer-progress.js";
import { UsageError } from "../usage-error.js";
import { openStoreForReading, STORE_OPTION, TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";
import { parseJobs } from "./copy-to-local.js";

export const storeVerify: Command = {
  words: ["store", "verify"],
  summary: "verify every object of a binary cache (signatures, hashes, sizes, references)",
  usage:
    "store verify --store URL [--all | PATH...] [--trusted-public-keys KEYS | --no-require-sigs] [--jobs N] [--json]",
  description:
    "Exits with status 1 when anything is damaged (orphan NARs and incomplete uploads are reported but are not damage).",
  options: {
    ...STORE_OPTION,
    ...TRUST_OPTIONS,
    all: { type: "boolean" },
    json: { type: "boolean" },
    jobs: { type: "string" },
  },
  optionHelp: [
    ["--store URL", "the binary cache"],
    ["--all", "check every narinfo, and look for orphan NARs and incomplete uploads"],
    ["--jobs N", "narinfos checked at once (default 4)"],
    ["--json", "print the report as JSON"],
    ...TRUST_HELP,
  ],
  arity: [0, Infinity],
  async run({ args, options, stdout, stderr, own }) {
    if ((options.all === true) === args.length > 0)
      throw new UsageError("store verify: give either --all or one or more store paths");
    const jobs = parseJobs(options.jobs);
    const store = own(await openStoreForReading(options));
    const progress = new TransferProgress(stderr, {
      verb: "verifying",
      items: "narinfos",
      preparing: "listing the cache",
    });
    let report: Awaited<ReturnType<typeof verifyCache>>;
    try {
      report = await verifyCache(store, {
        ...(options.all === true ? {} : { paths: args }),
        ...(jobs === undefined ? {} : { jobs }),
        onChecked: (checked, total) => progress.setCounts({ itemsDone: checked, itemsTotal: total, bytesDone: 0 }),
      });
    } finally {
      progress.done();
    }
    if (options.json === true) {
      stdout.write(`${jsonForTerminal(report)}\n`);
    } else {
      // keys, upload ids and messages come from the cache
      const line = (text: string): boolean => stdout.write(`${escapeForTerminal(text)}\n`);
      for (const problem of report.problems) line(`damaged: ${problem.key}: ${problem.message}`);
      for (const orphan of report.orphanNars) line(`orphan NAR: ${orphan.key} (${orphan.size} bytes)`);
      for (const upload of report.incompleteUploads) line(`incomplete upload: ${upload.key} (${upload.uploadId})`);
      stdout.write(`${report.checked} narinfos checked, ${report.valid} valid, ${report.problems.length} problems\n`);
    }
    return report.problems.length === 0 ? 0 : 1;
  },
};
