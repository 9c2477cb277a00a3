// `narwhal nar cat FILE.nar PATH`: print one regular file's contents out of a NAR (like `nix nar cat`).
import { catNar } from "@narwhal/nar";
import type { Command } from "../command.js";
import { openFile, writeAll } from "../stream-io.js";

export const narCat: Command = {
  words: ["nar", "cat"],
  summary: "print the contents of a file inside a NAR",
  usage: "nar cat FILE.nar PATH",
  description: "PATH is the file's path inside the NAR, e.g. /bin/hello ('/' for a NAR that is a single file).",
  arity: [2, 2],
  async run({ args, stdout }) {
    const [nar, subpath] = args as [string, string];
    await writeAll(catNar(await openFile(nar), subpath), stdout);
  },
};
