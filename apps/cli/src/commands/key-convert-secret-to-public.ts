// `narwhal key convert-secret-to-public < SECRET`: print the public key that belongs to a secret key.
import { formatPublicKey, parseSecretKey, toPublicKey } from "@narwhal/signing";
import type { Command } from "../command.js";
import { newlineOnTerminal, readAll } from "../stream-io.js";

export const keyConvertSecretToPublic: Command = {
  words: ["key", "convert-secret-to-public"],
  summary: "print the public key of a secret key read from stdin",
  usage: "key convert-secret-to-public < SECRET-KEY-FILE",
  description:
    "Reads a secret key NAME:BASE64 from stdin and prints NAME:BASE64 of its public key, for\n`trusted-public-keys`.",
  arity: [0, 0],
  async run({ stdin, stdout }) {
    const text = (await readAll(stdin, 64 * 1024, "secret key on stdin")).toString("utf8");
    stdout.write(formatPublicKey(toPublicKey(parseSecretKey(text, "secret key on stdin"))) + newlineOnTerminal(stdout));
  },
};
