// `narwhal nar dump-path PATH`: serialise a filesystem path as a NAR on stdout (like `nix nar dump-path`).
import { dumpPath } from "@narwhal/nar";
import type { Command } from "../command.js";
import { chunkWriter } from "../chunk-writer.js";
import { UsageError } from "../usage-error.js";

export const narDumpPath: Command = {
  words: ["nar", "dump-path"],
  summary: "serialise a path to stdout in NAR format",
  usage: "nar dump-path PATH",
  description:
    "Writes the NAR serialisation of PATH (a file, directory or symlink) to stdout, byte for byte what\n`nix-store --dump PATH` writes.",
  arity: [1, 1],
  async run({ args, stdout }) {
    if ((stdout as NodeJS.WriteStream).isTTY) {
      throw new UsageError(
        "nar dump-path: refusing to write a binary NAR to a terminal; redirect stdout to a file or pipe",
      );
    }
    // One reused buffer, written synchronously to the descriptor: no fresh memory per chunk.
    const write = chunkWriter(stdout);
    for await (const chunk of dumpPath(args[0]!, { reuseBuffers: true })) await write(chunk);
  },
};
