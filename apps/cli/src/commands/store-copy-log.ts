// `narwhal store copy-log --to URL DRVPATH [--file LOGFILE]`: upload a build log (from a file or stdin) to a
// cache under log/<drv name>, with the cache's log-compression when it is an S3 cache.
import { readFile } from "node:fs/promises";
import { BinaryCacheStore } from "@narwhal/store";
import type { Command } from "../command.js";
import { readAll } from "../stream-io.js";
import { storeOpenOptionsFromNixConf, storeUrlOption } from "./store-access.js";

const LOG_LIMIT = 1024 * 1024 * 1024;

export const storeCopyLog: Command = {
  words: ["store", "copy-log"],
  summary: "upload a derivation's build log to a binary cache",
  usage: "store copy-log --to URL DRVPATH [--file LOGFILE]",
  description: "Reads the log from LOGFILE, or from stdin when --file is not given.",
  options: { to: { type: "string" }, file: { type: "string" } },
  optionHelp: [
    ["--to URL", "the binary cache to write to"],
    ["--file LOGFILE", "the log file (default: stdin)"],
  ],
  arity: [1, 1],
  async run({ args, options, stdin, stdout, own }) {
    const store = own(
      await BinaryCacheStore.open(storeUrlOption(options, "to"), {
        ...storeOpenOptionsFromNixConf(),
        requireSigs: false,
      }),
    );
    const file = options.file;
    const text =
      typeof file === "string" ? await readFile(file) : await readAll(stdin, LOG_LIMIT, "the build log on stdin");
    const key = await store.addBuildLog(args[0]!, text);
    stdout.write(`${key}\n`);
  },
};
