// `narwhal path-info --store URL [--json] PATH...`: the narinfo of store paths in a cache, signatures checked,
// as plain paths or as the JSON `nix path-info --json` prints for a binary cache (Nix 2.32's shape).
import { formatContentAddress, formatHash, type NarInfo } from "@narwhal/store-path";
import type { Command } from "../command.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";
import { openStoreForReading, STORE_OPTION, TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";

/**
 * One path's object, as Nix 2.32's NarInfo::toJSON with impure info and SRI hashes: keys in byte order (nlohmann),
 * `ca`/`deriver`/`registrationTime` null when absent (a narinfo has no registration time), `ultimate` false,
 * references and signatures sorted and without duplicates (Nix keeps them in sets), `compression` (bzip2 when
 * the narinfo names none, as Nix reads it), `url` when non-empty, `downloadHash`/`downloadSize` when known
 * and non-zero.
 */
export function pathInfoJson(info: NarInfo): Record<string, unknown> {
  return {
    ca: info.ca === undefined ? null : formatContentAddress(info.ca),
    compression: info.compression === "" ? "bzip2" : info.compression,
    deriver: info.deriver === undefined ? null : info.deriver.path,
    ...(info.fileHash === undefined ? {} : { downloadHash: formatHash(info.fileHash, "sri") }),
    ...(info.fileSize === undefined || info.fileSize === 0 ? {} : { downloadSize: info.fileSize }),
    narHash: formatHash(info.narHash, "sri"),
    narSize: info.narSize,
    references: sortedUnique(info.references.map((reference) => reference.path)),
    registrationTime: null,
    signatures: sortedUnique(info.sigs),
    ultimate: false,
    ...(info.url === "" ? {} : { url: info.url }),
  };
}

/**
 * `nix path-info --json`'s whole document: an object from each full store path (sorted, each once) to its object,
 * or to null when the cache does not have it.
 */
export function pathInfosJson(
  found: ReadonlyArray<readonly [path: string, info: NarInfo | undefined]>,
): Record<string, unknown> {
  const byPath = new Map(found.map(([path, info]) => [info?.storePath.path ?? path, info] as const));
  const document: Record<string, unknown> = {};
  for (const path of [...byPath.keys()].sort(byBytes)) {
    const info = byPath.get(path);
    document[path] = info === undefined ? null : pathInfoJson(info);
  }
  return document;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(byBytes);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export const pathInfo: Command = {
  words: ["path-info"],
  summary: "show the narinfo of store paths in a binary cache",
  usage: "path-info --store URL [--json] [--trusted-public-keys KEYS | --no-require-sigs] PATH...",
  description:
    "Fails when a narinfo has no valid signature by a trusted key, and (without --json) when a path is not in the " +
    "cache. --json prints what `nix path-info --json` prints for a binary cache (Nix 2.32's shape: an object " +
    "keyed by store path, null for a path the cache does not have).",
  options: { ...STORE_OPTION, ...TRUST_OPTIONS, json: { type: "boolean" } },
  optionHelp: [
    ["--store URL", "the binary cache"],
    ["--json", "print JSON like `nix path-info --json`"],
    ...TRUST_HELP,
  ],
  arity: [1, Infinity],
  async run({ args, options, stdout, own }) {
    const store = own(await openStoreForReading(options));
    const found: Array<readonly [string, NarInfo | undefined]> = [];
    for (const path of args) {
      const info = await store.queryPathInfo(path);
      if (info === undefined && !options.json) throw new Error(`path '${path}' is not in ${store.url}`);
      found.push([store.parsePath(path).path, info]);
    }
    stdout.write(
      options.json
        ? `${jsonForTerminal(pathInfosJson(found))}\n`
        : found.map(([, info]) => `${escapeForTerminal(info!.storePath.path)}\n`).join(""),
    );
  },
};
