// Shared by the store commands: the --store option (required), the nix.conf settings they follow (which public
// keys to trust, unless a flag says; http timeouts), and splitting STOREPATH/SUB arguments.
import { readFileSync } from "node:fs";
import { openReadOnlyStore, type BinaryCacheStore, type OpenStoreOptions, type StoreOpening } from "@narwhal/store";
import type { CommandContext, OptionSpec } from "../command.js";
import { UsageError } from "../usage-error.js";

export const STORE_OPTION: OptionSpec = { store: { type: "string" } };
export const TRUST_OPTIONS: OptionSpec = {
  "trusted-public-keys": { type: "string" },
  "no-require-sigs": { type: "boolean" },
};
export const TRUST_HELP: ReadonlyArray<readonly [string, string]> = [
  [
    "--trusted-public-keys KEYS",
    "space-separated NAME:BASE64 keys to trust (default: trusted-public-keys from /etc/nix/nix.conf and NIX_CONFIG)",
  ],
  ["--no-require-sigs", "accept narinfos without a trusted signature"],
];

/** The value of a nix.conf setting (with `extra-NAME` lines appended) in texts read in order; later lines win. */
export function nixConfValue(texts: readonly string[], name: string): string | undefined {
  let value: string[] | undefined;
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const match = /^\s*(extra-)?([A-Za-z0-9-]+)\s*=(.*)$/.exec(line.replace(/#.*$/, ""));
      if (match === null || match[2] !== name) continue;
      const values = match[3]!.trim().split(/\s+/).filter(Boolean);
      value = match[1] === undefined ? values : [...(value ?? []), ...values];
    }
  }
  return value?.join(" ");
}

/** `trusted-public-keys` (and `extra-trusted-public-keys`) from nix.conf text; later lines override earlier ones. */
export function trustedKeysFromNixConf(texts: readonly string[]): string {
  return nixConfValue(texts, "trusted-public-keys") ?? "";
}

/** The texts of /etc/nix/nix.conf (or $NIX_CONF_DIR/nix.conf) and NIX_CONFIG, in the order Nix reads them. */
export function nixConfTexts(): string[] {
  const texts: string[] = [];
  try {
    texts.push(
      readFileSync(
        process.env["NIX_CONF_DIR"] ? `${process.env["NIX_CONF_DIR"]}/nix.conf` : "/etc/nix/nix.conf",
        "utf8",
      ),
    );
  } catch {
    // no nix.conf: Nix's defaults
  }
  if (process.env["NIX_CONFIG"]) texts.push(process.env["NIX_CONFIG"]);
  return texts;
}

/** Trusted keys from /etc/nix/nix.conf (or $NIX_CONF_DIR) and NIX_CONFIG. */
export function defaultTrustedKeys(): string {
  return trustedKeysFromNixConf(nixConfTexts());
}

/**
 * How stores are opened, from nix.conf and NIX_CONFIG, as Nix uses these settings: `connect-timeout` (0 = the
 * transport's default) and `stalled-download-timeout` (seconds) for http(s) caches; `filetransfer-retry-attempts`
 * (alias `download-attempts`), `-delay`, `-delay-rate-limited`, `-max-delay` (ms) and `-jitter` for S3, whose
 * URL settings `retry-*` still win.
 */
export function storeOpenOptionsFromNixConf(): Pick<OpenStoreOptions, "http" | "s3"> {
  const texts = nixConfTexts();
  const whole = (name: string): number | undefined => {
    const value = nixConfValue(texts, name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value))
      throw new UsageError(`nix.conf setting ${name} = ${JSON.stringify(value)} is not a non-negative whole number`);
    return Number(value);
  };
  const seconds = (name: string): number | undefined => {
    const value = whole(name);
    return value === undefined || value === 0 ? undefined : value * 1000;
  };
  const connectTimeoutMs = seconds("connect-timeout");
  const stalledTimeoutMs = seconds("stalled-download-timeout");
  const attempts = whole("filetransfer-retry-attempts") ?? whole("download-attempts");
  const delayMs = whole("filetransfer-retry-delay");
  const delayRateLimitedMs = whole("filetransfer-retry-delay-rate-limited");
  const maxDelayMs = whole("filetransfer-retry-max-delay");
  const jitterText = nixConfValue(texts, "filetransfer-retry-jitter");
  if (jitterText !== undefined && jitterText !== "true" && jitterText !== "false") {
    throw new UsageError(
      `nix.conf setting filetransfer-retry-jitter = ${JSON.stringify(jitterText)} is not true or false`,
    );
  }
  return {
    http: {
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(stalledTimeoutMs === undefined ? {} : { stalledTimeoutMs }),
    },
    s3: {
      retryDefaults: {
        ...(attempts === undefined ? {} : { attempts }),
        ...(delayMs === undefined ? {} : { delayMs }),
        ...(delayRateLimitedMs === undefined ? {} : { delayRateLimitedMs }),
        ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
        ...(jitterText === undefined ? {} : { jitter: jitterText === "true" }),
      },
    },
  };
}

export function storeUrlOption(options: CommandContext["options"], name = "store"): string {
  const url = options[name];
  if (typeof url !== "string" || url === "")
    throw new UsageError(`--${name} URL is required (e.g. s3://bucket, file:///dir, https://host)`);
  return url;
}

/** Opens the --store cache for reading: never writes nix-cache-info; checks signatures as the flags say. */
export async function openStoreForReading(options: CommandContext["options"]): Promise<BinaryCacheStore> {
  return openCacheForReading(storeUrlOption(options), options);
}

/** Opens the cache at `url` for reading, as openStoreForReading does for --store. */
export async function openCacheForReading(url: string, options: CommandContext["options"]): Promise<BinaryCacheStore> {
  return openReadOnlyStore(cacheOpeningForReading(url, options));
}

/**
 * How the cache at `url` is opened for reading, as data (worker threads open it again from this): the keys of
 * --trusted-public-keys, else of nix.conf; signatures required unless --no-require-sigs; nix.conf's transfer settings.
 */
export function cacheOpeningForReading(url: string, options: CommandContext["options"]): StoreOpening {
  const flag = options["trusted-public-keys"];
  return {
    url,
    ...storeOpenOptionsFromNixConf(),
    requireSigs: options["no-require-sigs"] !== true,
    trustedPublicKeys: typeof flag === "string" ? flag : defaultTrustedKeys(),
    trustedPublicKeysSource: typeof flag === "string" ? "--trusted-public-keys" : "trusted-public-keys (nix.conf)",
  };
}

/** Splits `/nix/store/<hash>-<name>/sub/path` into the store path and the path inside it ("" for the root). */
export function splitStorePathArgument(argument: string, storeDir: string): { storePath: string; subpath: string } {
  const prefix = `${storeDir}/`;
  if (!argument.startsWith(prefix)) throw new UsageError(`'${argument}' is not inside the store directory ${storeDir}`);
  const rest = argument.slice(prefix.length);
  const slash = rest.indexOf("/");
  return slash < 0
    ? { storePath: argument, subpath: "" }
    : { storePath: prefix + rest.slice(0, slash), subpath: rest.slice(slash + 1) };
}
