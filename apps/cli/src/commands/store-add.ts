// `narwhal store add PATH --to URL [--name NAME]`: add a directory (or file) to a binary cache as the
// content-addressed store path `nix-store --add` would make of it, and print that path.
import { storeAdd as addToCache } from "@narwhal/engine";
import type { Command } from "../command.js";
import { CopyProgress } from "./copy-progress.js";
import { storeOpenOptionsFromNixConf, storeUrlOption } from "./store-access.js";

export const storeAdd: Command = {
  words: ["store", "add"],
  summary: "add a directory to a binary cache as a content-addressed store path (like nix-store --add)",
  usage: "store add PATH --to URL [--name NAME] [--json]",
  description:
    "The store path is the one nix-store --add gives PATH: fixed:r:sha256 of its NAR serialisation, named after its\n" +
    "base name unless --name is given. Nothing is uploaded when the cache already has it. Prints the store path.",
  options: { to: { type: "string" }, name: { type: "string" }, json: { type: "boolean" } },
  optionHelp: [
    ["--to URL", "the binary cache to write to (s3://..., file:///...)"],
    ["--name NAME", "the store path's name (default: PATH's base name)"],
    ["--json", "print {storePath, narHash, narSize, added} as JSON"],
  ],
  arity: [1, 1],
  async run({ args, options, stdout, stderr }) {
    const progress = new CopyProgress(stderr);
    try {
      const result = await addToCache({
        path: args[0]!,
        to: storeUrlOption(options, "to"),
        destinationOptions: storeOpenOptionsFromNixConf(),
        ...(typeof options.name === "string" ? { name: options.name } : {}),
        reporter: progress.reporter,
      });
      progress.done();
      const { storePath, narHash, narSize, added } = result;
      stdout.write(
        options.json === true ? `${JSON.stringify({ storePath, narHash, narSize, added })}\n` : `${storePath}\n`,
      );
    } finally {
      progress.done();
    }
  },
};
