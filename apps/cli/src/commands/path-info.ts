// `narwhal path-info --store URL [--json] PATH...`: the narinfo of store paths in a cache, signatures checked,
// as plain paths or as JSON shaped like `nix path-info --json`.
import { formatContentAddress, formatHash, type NarInfo } from "@narwhal/store-path";
import type { Command } from "../command.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";
import { openStoreForReading, STORE_OPTION, TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";

export function pathInfoJson(info: NarInfo): Record<string, unknown> {
  return {
    path: info.storePath.path,
    narHash: formatHash(info.narHash, "sri"),
    narSize: info.narSize,
    references: info.references.map((reference) => reference.path),
    ...(info.deriver === undefined ? {} : { deriver: info.deriver.path }),
    signatures: info.sigs,
    ...(info.ca === undefined ? {} : { ca: formatContentAddress(info.ca) }),
    url: info.url,
    compression: info.compression,
    ...(info.fileHash === undefined ? {} : { downloadHash: formatHash(info.fileHash, "sri") }),
    ...(info.fileSize === undefined ? {} : { downloadSize: info.fileSize }),
  };
}

export const pathInfo: Command = {
  words: ["path-info"],
  summary: "show the narinfo of store paths in a binary cache",
  usage: "path-info --store URL [--json] [--trusted-public-keys KEYS | --no-require-sigs] PATH...",
  description: "Fails when a path is not in the cache or its narinfo has no valid signature by a trusted key.",
  options: { ...STORE_OPTION, ...TRUST_OPTIONS, json: { type: "boolean" } },
  optionHelp: [["--store URL", "the binary cache"], ["--json", "print JSON like `nix path-info --json`"], ...TRUST_HELP],
  arity: [1, Infinity],
  async run({ args, options, stdout, own }) {
    const store = own(await openStoreForReading(options));
    const infos: NarInfo[] = [];
    for (const path of args) {
      const info = await store.queryPathInfo(path);
      if (info === undefined) throw new Error(`path '${path}' is not in ${store.url}`);
      infos.push(info);
    }
    stdout.write(options.json ? `${jsonForTerminal(infos.map(pathInfoJson))}\n` : infos.map((info) => `${escapeForTerminal(info.storePath.path)}\n`).join(""));
  },
};
