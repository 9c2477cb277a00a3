// `narwhal hash path PATH`: the NAR hash of a filesystem path (like `nix hash path`), SRI by default.
import { dumpPathInWorker } from "@narwhal/nar";
import { HASH_ALGORITHMS, HashSink, formatHash, isHashAlgorithm } from "@narwhal/store-path";
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

const FORMATS = ["base16", "base32", "base64", "sri"] as const;

export const hashPath: Command = {
  words: ["hash", "path"],
  summary: "print the hash of a path's NAR serialisation",
  usage: "hash path [--type ALGO] [--sri|--base16|--base32|--base64] PATH...",
  description:
    "Hashes the NAR serialisation of each PATH, like `nix hash path`. --base32 is Nix's own base-32\n(the form `nix-hash --type sha256 --base32` and narinfo files use).",
  options: {
    type: { type: "string" },
    sri: { type: "boolean" },
    base16: { type: "boolean" },
    base32: { type: "boolean" },
    base64: { type: "boolean" },
  },
  optionHelp: [
    ["--type ALGO", `hash algorithm: ${HASH_ALGORITHMS.join(", ")} (default sha256)`],
    ["--sri", "print ALGO-BASE64 (the default)"],
    ["--base16", "print lowercase hexadecimal"],
    ["--base32", "print Nix base-32"],
    ["--base64", "print base64"],
  ],
  arity: [1, Infinity],
  async run({ args, options, stdout }) {
    const chosen = FORMATS.filter((f) => options[f]);
    if (chosen.length > 1) throw new UsageError(`hash path: choose one output format, got --${chosen.join(" and --")}`);
    const format = chosen[0] ?? "sri";
    const algorithm = (options.type ?? "sha256") as string;
    if (!isHashAlgorithm(algorithm)) {
      throw new UsageError(
        `hash path: --type '${algorithm}' is not a hash algorithm; valid: ${HASH_ALGORITHMS.join(", ")}`,
      );
    }
    for (const path of args) {
      const sink = new HashSink(algorithm);
      await dumpPathInWorker(path, (chunk) => void sink.update(chunk)); // read on a worker thread, hashed here
      const { hash } = sink.finish();
      const text =
        format === "sri"
          ? formatHash(hash, "sri")
          : formatHash(hash, format === "base32" ? "nix32" : format, { prefix: false });
      stdout.write(`${text}\n`);
    }
  },
};
