// `narwhal log --store URL DRVPATH`: print the build log a cache holds for a derivation (log/<drv name>).
import type { Command } from "../command.js";
import { openStoreForReading, STORE_OPTION } from "./store-access.js";

export const log: Command = {
  words: ["log"],
  summary: "print the build log of a derivation from a binary cache",
  usage: "log --store URL DRVPATH",
  options: { ...STORE_OPTION },
  optionHelp: [["--store URL", "the binary cache"]],
  arity: [1, 1],
  async run({ args, options, stdout, own }) {
    const store = own(await openStoreForReading({ ...options, "no-require-sigs": true, "trusted-public-keys": "" }));
    const text = await store.getBuildLog(args[0]!);
    if (text === undefined) throw new Error(`${store.url} has no build log for '${args[0]}'`);
    stdout.write(text);
  },
};
