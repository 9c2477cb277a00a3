// `narwhal nar ls FILE.nar [PATH]`: list a NAR's contents (like `nix nar ls`), as text or JSON.
import { formatNarLs, listNar } from "@narwhal/nar";
import type { Command } from "../command.js";
import { openFile } from "../stream-io.js";
import { lsEntries, lsJson, nodeAt } from "../listing-view.js";

export const narLs: Command = {
  words: ["nar", "ls"],
  summary: "list the contents of a NAR file",
  usage: "nar ls [-l] [-R] [-d] [--json] FILE.nar [PATH]",
  description: "PATH is a path inside the NAR (default '/').",
  options: {
    long: { type: "boolean", short: "l" },
    recursive: { type: "boolean", short: "R" },
    directory: { type: "boolean", short: "d" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["-l, --long", "show type, permissions and size"],
    ["-R, --recursive", "list subdirectories recursively"],
    ["-d, --directory", "show a directory itself, not its entries"],
    ["--json", "print the listing as JSON (Nix's .ls node format)"],
  ],
  arity: [1, 2],
  async run({ args, options, stdout }) {
    const [nar, subpath = "/"] = args as [string, string?];
    const listing = await listNar(await openFile(nar));
    const node = nodeAt(listing.root, subpath);
    if (options.json) {
      stdout.write(`${JSON.stringify(lsJson(node, Boolean(options.recursive)))}\n`);
      return;
    }
    const entries = lsEntries(node, subpath, { recursive: Boolean(options.recursive), directory: Boolean(options.directory) });
    stdout.write(formatNarLs(entries, { long: Boolean(options.long) }));
  },
};
