// Shared by the store commands: the --store option (required), which public keys to trust (flag, else
// trusted-public-keys from /etc/nix/nix.conf and NIX_CONFIG), and splitting STOREPATH/SUB arguments.
import { readFileSync } from "node:fs";
import { BinaryCacheStore } from "@narwhal/store";
import { TrustedKeys } from "@narwhal/signing";
import type { CommandContext, OptionSpec } from "../command.js";
import { UsageError } from "../usage-error.js";

export const STORE_OPTION: OptionSpec = { store: { type: "string" } };
export const TRUST_OPTIONS: OptionSpec = {
  "trusted-public-keys": { type: "string" },
  "no-require-sigs": { type: "boolean" },
};
export const TRUST_HELP: ReadonlyArray<readonly [string, string]> = [
  ["--trusted-public-keys KEYS", "space-separated NAME:BASE64 keys to trust (default: trusted-public-keys from /etc/nix/nix.conf and NIX_CONFIG)"],
  ["--no-require-sigs", "accept narinfos without a trusted signature"],
];

/** `trusted-public-keys` (and `extra-trusted-public-keys`) from nix.conf text; later lines override earlier ones. */
export function trustedKeysFromNixConf(texts: readonly string[]): string {
  let keys: string[] = [];
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const match = /^\s*(extra-)?trusted-public-keys\s*=(.*)$/.exec(line.replace(/#.*$/, ""));
      if (match === null) continue;
      const values = match[2]!.trim().split(/\s+/).filter(Boolean);
      keys = match[1] === undefined ? values : [...keys, ...values];
    }
  }
  return keys.join(" ");
}

/** Trusted keys from /etc/nix/nix.conf (or $NIX_CONF_DIR) and NIX_CONFIG. */
export function defaultTrustedKeys(): string {
  const texts: string[] = [];
  try {
    texts.push(readFileSync(process.env["NIX_CONF_DIR"] ? `${process.env["NIX_CONF_DIR"]}/nix.conf` : "/etc/nix/nix.conf", "utf8"));
  } catch {
    // no nix.conf: no default keys
  }
  if (process.env["NIX_CONFIG"]) texts.push(process.env["NIX_CONFIG"]);
  return trustedKeysFromNixConf(texts);
}

export function storeUrlOption(options: CommandContext["options"], name = "store"): string {
  const url = options[name];
  if (typeof url !== "string" || url === "") throw new UsageError(`--${name} URL is required (e.g. s3://bucket, file:///dir, https://host)`);
  return url;
}

/** Opens the --store cache for reading: never writes nix-cache-info; checks signatures as the flags say. */
export async function openStoreForReading(options: CommandContext["options"]): Promise<BinaryCacheStore> {
  const url = storeUrlOption(options);
  const flag = options["trusted-public-keys"];
  const keys = typeof flag === "string" ? flag : defaultTrustedKeys();
  return BinaryCacheStore.open(url, {
    createCacheInfo: false,
    requireSigs: options["no-require-sigs"] !== true,
    trustedPublicKeys: TrustedKeys.from(keys, typeof flag === "string" ? "--trusted-public-keys" : "trusted-public-keys (nix.conf)"),
  });
}

/** Splits `/nix/store/<hash>-<name>/sub/path` into the store path and the path inside it ("" for the root). */
export function splitStorePathArgument(argument: string, storeDir: string): { storePath: string; subpath: string } {
  const prefix = `${storeDir}/`;
  if (!argument.startsWith(prefix)) throw new UsageError(`'${argument}' is not inside the store directory ${storeDir}`);
  const rest = argument.slice(prefix.length);
  const slash = rest.indexOf("/");
  return slash < 0 ? { storePath: argument, subpath: "" } : { storePath: prefix + rest.slice(0, slash), subpath: rest.slice(slash + 1) };
}
