// `narwhal nar ls FILE.nar [PATH]`: list a NAR's contents (like `nix nar ls`), as text or JSON.
import { listNar } from "@narwhal/nar";
import type { Command } from "../command.js";
import { openFile } from "../stream-io.js";
import { LS_OPTIONS, LS_OPTION_HELP, printListing } from "../listing-view.js";

export const narLs: Command = {
  words: ["nar", "ls"],
  summary: "list the contents of a NAR file",
  usage: "nar ls [-l] [-R] [-d] [--json] FILE.nar [PATH]",
  description: "PATH is a path inside the NAR (default '/').",
  options: LS_OPTIONS,
  optionHelp: LS_OPTION_HELP,
  arity: [1, 2],
  async run({ args, options, stdout }) {
    const [nar, subpath = "/"] = args as [string, string?];
    const listing = await listNar(await openFile(nar));
    printListing(listing.root, subpath, options, stdout);
  },
};
