// `narwhal store ls --store URL [-l] [-R] [--json] PATH[/SUB]`: list files of a store path in a cache, from the
// listing the store computes from the verified NAR (never from the cache's .ls), printed as `nix store ls` does.
import type { Command } from "../command.js";
import { LS_OPTIONS, LS_OPTION_HELP, printListing } from "../listing-view.js";
import {
  openStoreForReading,
  splitStorePathArgument,
  STORE_OPTION,
  TRUST_HELP,
  TRUST_OPTIONS,
} from "./store-access.js";

export const storeLs: Command = {
  words: ["store", "ls"],
  summary: "list files of a store path in a binary cache",
  usage: "store ls --store URL [-l] [-R] [-d] [--json] STOREPATH[/SUB]",
  options: {
    ...STORE_OPTION,
    ...TRUST_OPTIONS,
    ...LS_OPTIONS,
  },
  optionHelp: [["--store URL", "the binary cache"], ...LS_OPTION_HELP, ...TRUST_HELP],
  arity: [1, 1],
  async run({ args, options, stdout, own }) {
    const store = own(await openStoreForReading(options));
    const { storePath, subpath } = splitStorePathArgument(args[0]!, store.settings.store);
    const listing = await store.getListing(storePath);
    printListing(listing.root, `/${subpath}`, options, stdout);
  },
};
