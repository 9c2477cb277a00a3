// `narwhal key generate-secret --key-name NAME`: print a new Ed25519 secret key in Nix's `name:base64` form.
import { formatSecretKey, generateSecretKey } from "@narwhal/signing";
import type { Command } from "../command.js";
import { newlineOnTerminal } from "../stream-io.js";
import { UsageError } from "../usage-error.js";

export const keyGenerateSecret: Command = {
  words: ["key", "generate-secret"],
  summary: "generate a secret key for signing store paths",
  usage: "key generate-secret --key-name NAME",
  description:
    "Prints a new secret key NAME:BASE64 (64 bytes: seed followed by public key), the format of\n" +
    "`nix key generate-secret` (no trailing newline unless stdout is a terminal, so it can be redirected to a key file). Use a name like cache.example.org-1 so keys can be rotated.",
  options: { "key-name": { type: "string" } },
  optionHelp: [["--key-name NAME", "the key's name (required), written into every signature"]],
  arity: [0, 0],
  async run({ options, stdout }) {
    const name = options["key-name"];
    if (typeof name !== "string") throw new UsageError("key generate-secret: --key-name NAME is required");
    stdout.write(formatSecretKey(generateSecretKey(name)) + newlineOnTerminal(stdout));
  },
};
