// `narwhal store ls --store URL [-l] [-R] [--json] PATH[/SUB]`: list files of a store path in a cache, from its
// .ls listing when the cache has one, else from the (verified) NAR.
import { formatNarLs } from "@narwhal/nar";
import type { Command } from "../command.js";
import { lsEntries, lsJson, nodeAt } from "../listing-view.js";
import { openStoreForReading, splitStorePathArgument, STORE_OPTION, TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";

export const storeLs: Command = {
  words: ["store", "ls"],
  summary: "list files of a store path in a binary cache",
  usage: "store ls --store URL [-l] [-R] [-d] [--json] STOREPATH[/SUB]",
  options: {
    ...STORE_OPTION,
    ...TRUST_OPTIONS,
    long: { type: "boolean", short: "l" },
    recursive: { type: "boolean", short: "R" },
    directory: { type: "boolean", short: "d" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["--store URL", "the binary cache"],
    ["-l, --long", "show type, permissions and size"],
    ["-R, --recursive", "list subdirectories recursively"],
    ["-d, --directory", "show a directory itself, not its entries"],
    ["--json", "print the listing node as JSON"],
    ...TRUST_HELP,
  ],
  arity: [1, 1],
  async run({ args, options, stdout }) {
    const store = await openStoreForReading(options);
    const { storePath, subpath } = splitStorePathArgument(args[0]!, store.settings.store);
    const listing = await store.getListing(storePath);
    const node = nodeAt(listing.root, `/${subpath}`);
    if (options.json) {
      stdout.write(`${JSON.stringify(lsJson(node, Boolean(options.recursive)))}\n`);
      return;
    }
    const entries = lsEntries(node, `/${subpath}`, { recursive: Boolean(options.recursive), directory: Boolean(options.directory) });
    stdout.write(formatNarLs(entries, { long: Boolean(options.long) }));
  },
};
