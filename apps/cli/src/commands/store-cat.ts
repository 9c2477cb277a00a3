// `narwhal store cat --store URL STOREPATH/SUB`: print one file of a store path in a cache, held back until the
// whole NAR is verified; a missing file fails with `nix nar cat`'s "NAR does not contain regular file '…'".
import type { Command } from "../command.js";
import { writeAll } from "../stream-io.js";
import { UsageError } from "../usage-error.js";
import {
  openStoreForReading,
  splitStorePathArgument,
  STORE_OPTION,
  TRUST_HELP,
  TRUST_OPTIONS,
} from "./store-access.js";

export const storeCat: Command = {
  words: ["store", "cat"],
  summary: "print a file of a store path in a binary cache",
  usage: "store cat --store URL STOREPATH[/SUB]",
  options: { ...STORE_OPTION, ...TRUST_OPTIONS },
  optionHelp: [["--store URL", "the binary cache"], ...TRUST_HELP],
  arity: [1, 1],
  async run({ args, options, stdout, own }) {
    const store = own(await openStoreForReading(options));
    const { storePath, subpath } = splitStorePathArgument(args[0]!, store.settings.store);
    if (subpath === "" && (await store.getListing(storePath)).root.type === "directory") {
      throw new UsageError(`store cat: '${args[0]}' is a directory; name a file inside it`);
    }
    await writeAll(store.readFile(storePath, subpath), stdout);
  },
};
