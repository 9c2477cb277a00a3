// `narwhal nar restore DIR`: unpack a NAR read from stdin into a new directory (like `nix-store --restore`).
import { restoreNar } from "@narwhal/nar";
import type { Command } from "../command.js";

export const narRestore: Command = {
  words: ["nar", "restore"],
  summary: "unpack a NAR from stdin into a new path",
  usage: "nar restore PATH < FILE.nar",
  description:
    "Reads a NAR from stdin and recreates it at PATH, which must not exist yet. The NAR is checked strictly\n" +
    "(order, names, padding, sizes); symlinks it creates are never followed and nothing is written outside PATH.\n" +
    "On error nothing is left at PATH.",
  arity: [1, 1],
  async run({ args, stdin }) {
    await restoreNar(stdin, args[0]!);
  },
};
