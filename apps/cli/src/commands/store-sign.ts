// `narwhal store sign --store URL --key-file SECRET [--all | PATH...]`: adds a signature by SECRET to narinfos
// the store accepts (key rotation), rewriting each narinfo in one atomic put.
import { signCache } from "@narwhal/cache-maintenance";
import { readSecretKeyFile } from "@narwhal/signing";
import type { Command } from "../command.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";
import { UsageError } from "../usage-error.js";
import { openStoreForReading, STORE_OPTION, TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";

export const storeSign: Command = {
  words: ["store", "sign"],
  summary: "add signatures to narinfos already in a binary cache",
  usage:
    "store sign --store URL --key-file SECRET [--all | PATH...] [--trusted-public-keys KEYS | --no-require-sigs] [--json]",
  description:
    "Only narinfos whose current signatures are trusted are signed (use --no-require-sigs to sign unsigned ones).",
  options: {
    ...STORE_OPTION,
    ...TRUST_OPTIONS,
    "key-file": { type: "string", multiple: true },
    all: { type: "boolean" },
    json: { type: "boolean" },
  },
  optionHelp: [
    ["--store URL", "the binary cache"],
    ["--key-file SECRET", "a Nix secret key file (repeatable)"],
    ["--all", "sign every narinfo"],
    ["--json", "print the report as JSON"],
    ...TRUST_HELP,
  ],
  arity: [0, Infinity],
  async run({ args, options, stdout, own }) {
    if ((options.all === true) === args.length > 0)
      throw new UsageError("store sign: give either --all or one or more store paths");
    const files = options["key-file"];
    if (!Array.isArray(files) || files.length === 0) throw new UsageError("store sign: --key-file SECRET is required");
    const keys = await Promise.all(
      files.map((file) =>
        readSecretKeyFile(file, { onWarning: (warning) => process.emitWarning(warning.message, "NarwhalWarning") }),
      ),
    );
    const store = own(await openStoreForReading(options));
    const report = await signCache(store, keys, options.all === true ? {} : { paths: args });
    if (options.json === true) {
      stdout.write(`${jsonForTerminal(report)}\n`);
    } else {
      for (const problem of report.problems)
        stdout.write(`not signed: ${escapeForTerminal(`${problem.key}: ${problem.message}`)}\n`);
      stdout.write(
        `${report.signed.length} narinfos signed, ${report.alreadySigned.length} already signed, ${report.problems.length} problems\n`,
      );
    }
    return report.problems.length === 0 ? 0 : 1;
  },
};
