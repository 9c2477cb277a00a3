// `narwhal store info --store URL [--json]`: the cache's nix-cache-info merged with the URL's settings, and
// every setting in force.
import { redactStoreUrl } from "@narwhal/store-url";
import { openStoreForReading, STORE_OPTION } from "./store-access.js";
import type { Command } from "../command.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";

export const storeInfo: Command = {
  words: ["store", "info"],
  summary: "show a binary cache's info and the settings in force",
  usage: "store info --store URL [--json]",
  description:
    "Reads nix-cache-info (never writes it). Priority and WantMassQuery come from the cache unless the URL sets them.",
  options: { ...STORE_OPTION, json: { type: "boolean" } },
  optionHelp: [
    ["--store URL", "the binary cache (s3://BUCKET?..., file:///DIR, http(s)://HOST/...)"],
    ["--json", "print JSON"],
  ],
  arity: [0, 0],
  async run({ options, stdout, own }) {
    const store = own(await openStoreForReading({ ...options, "no-require-sigs": true, "trusted-public-keys": "" }));
    const info = await store.info();
    if (options.json) {
      stdout.write(
        `${jsonForTerminal({ ...info, url: redactStoreUrl(info.url), cacheInfo: info.cacheInfo ?? null })}\n`,
      );
      return;
    }
    const lines = [
      `URL: ${redactStoreUrl(info.url)}`,
      `Store directory: ${info.storeDir}`,
      `Priority: ${info.priority}`,
      `Want mass query: ${info.wantMassQuery ? "yes" : "no"}`,
      `System features: ${info.systemFeatures.join(" ")}`,
      `Trusted: ${info.trusted ? "yes" : "no"}`,
      `nix-cache-info: ${info.cacheInfo === undefined ? "absent" : "present"}`,
      "Settings:",
      ...Object.entries(info.settings).map(
        ([name, value]) => `  ${name} = ${Array.isArray(value) ? value.join(",") : String(value)}`,
      ),
    ];
    stdout.write(`${lines.map(escapeForTerminal).join("\n")}\n`);
  },
};
