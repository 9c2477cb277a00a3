// `narwhal copy --to URL [--from URL] PATH...`: copy store paths (with their closures unless --no-recursive) from
// the local Nix store or a binary cache into a binary cache; into a local Nix store it hands over to copy-to-local
// (loaded only then: it brings the fetch and restore machinery).
import { realpath } from "node:fs/promises";
import { copy, isLocalStoreUrl, type CopySummary } from "@narwhal/engine";
import { TrustedKeys } from "@narwhal/signing";
import type { Command, CommandContext } from "../command.js";
import { UsageError } from "../usage-error.js";
import { readAll } from "../stream-io.js";
import { CopyProgress } from "./copy-progress.js";
import {
  TRUST_HELP,
  TRUST_OPTIONS,
  defaultTrustedKeys,
  storeOpenOptionsFromNixConf,
  storeUrlOption,
} from "./store-access.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";

const STDIN_LIMIT = 256 * 1024 * 1024;

export const copyCommand: Command = {
  words: ["copy"],
  summary: "copy store paths and their closures into a binary cache (or from one)",
  usage: "copy --to URL [--from URL] [--jobs N] [--no-recursive] [--stdin] [--json] PATH...",
  description:
    "Copies each PATH (a store path; a .drv path copies the derivation file itself) with everything it refers to.\n" +
    "Paths the destination already has are skipped; NARs upload in parallel, largest first; each narinfo is written\n" +
    "only after its NAR and its references' narinfos, so an interrupted copy never leaves a broken cache — run it\n" +
    "again to finish. Multipart uploads a killed run left behind are aborted first (those of NARs this run uploads,\n" +
    "and any under nar/ older than --stale-upload-age). --from defaults to the local Nix store ('local').",
  options: {
    to: { type: "string" },
    from: { type: "string" },
    jobs: { type: "string" },
    "no-recursive": { type: "boolean" },
    stdin: { type: "boolean" },
    json: { type: "boolean" },
    "stale-upload-age": { type: "string" },
    ...TRUST_OPTIONS,
  },
  optionHelp: [
    [
      "--to URL",
      "destination: s3://BUCKET?..., file:///DIR?... (or local?root=DIR to copy from a cache into a Nix store)",
    ],
    ["--from URL", "source: local (default), local?root=DIR, or a binary cache URL"],
    ["--jobs N", "NAR uploads at once (default 4)"],
    ["--no-recursive", "copy only the named paths (their references must already be in the destination)"],
    ["--stdin", "also read paths from stdin, one a line"],
    ["--json", "print a JSON summary {copied, skipped, failed, bytes, seconds} on stdout"],
    ["--stale-upload-age SECONDS", "abort leftover multipart uploads under nar/ older than this (default 86400)"],
    ...TRUST_HELP.map(([flag, text]) => [flag, `${text} (for a binary-cache --from)`] as const),
  ],
  arity: [0, Number.POSITIVE_INFINITY],
  async run(ctx) {
    const { options, stdin } = ctx;
    const to = storeUrlOption(options, "to");
    const from = typeof options.from === "string" && options.from !== "" ? options.from : "local";
    const jobs = options.jobs === undefined ? undefined : positiveInteger(options.jobs as string, "--jobs");
    const stale =
      options["stale-upload-age"] === undefined
        ? undefined
        : nonNegativeInteger(options["stale-upload-age"] as string, "--stale-upload-age");
    const listed =
      options.stdin === true
        ? (await readAll(stdin, STDIN_LIMIT, "the path list on stdin"))
            .toString("utf8")
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
        : [];
    const named = [...ctx.args, ...listed];
    if (named.length === 0) throw new UsageError("copy: no paths given (name them as arguments or use --stdin)");
    const trustFlag = options["trusted-public-keys"];
    const trustedKeys = typeof trustFlag === "string" ? trustFlag : defaultTrustedKeys();
    const requireSigs = options["no-require-sigs"] !== true;

    if (isLocalStoreUrl(to)) {
      const { copyToLocalStore } = await import("./copy-to-local.js");
      return copyToLocalStore(ctx, {
        from,
        to,
        paths: named,
        recursive: options["no-recursive"] !== true,
        json: options.json === true,
        requireSigs,
        ...(jobs === undefined ? {} : { jobs }),
        ...(typeof trustFlag === "string" ? { trustedPublicKeys: trustFlag } : {}),
      });
    }
    const paths = isLocalStoreUrl(from) ? await Promise.all(named.map(storePathOf)) : named;
    const fromNixConf = storeOpenOptionsFromNixConf(); // read once for both stores
    const progress = new CopyProgress(ctx.stderr);
    let summary: CopySummary;
    try {
      summary = await copy({
        from,
        to,
        paths,
        recursive: options["no-recursive"] !== true,
        ...(jobs === undefined ? {} : { jobs }),
        ...(stale === undefined ? {} : { staleUploadAgeMs: stale * 1000 }),
        reporter: progress.reporter,
        destinationOptions: fromNixConf,
        sourceOptions: {
          ...fromNixConf,
          requireSigs,
          trustedPublicKeys: TrustedKeys.from(
            trustedKeys,
            typeof trustFlag === "string" ? "--trusted-public-keys" : "trusted-public-keys (nix.conf)",
          ),
        },
      });
    } finally {
      progress.done();
    }
    report(ctx, summary, options.json === true);
    return summary.failed.length > 0 ? 1 : 0;
  },
};

function report(ctx: CommandContext, summary: CopySummary, json: boolean): void {
  for (const failure of summary.failed)
    ctx.stderr.write(`narwhal: copy: ${escapeForTerminal(`${failure.path}: ${failure.error}`)}\n`);
  if (json) {
    ctx.stdout.write(
      `${jsonForTerminal({
        copied: summary.copied.length,
        skipped: summary.skipped.length,
        failed: summary.failed.map(({ path, error }) => ({ path, error })),
        bytes: summary.bytes,
        abortedUploads: summary.abortedUploads,
        seconds: Number(summary.seconds.toFixed(3)),
      })}\n`,
    );
  } else if ((ctx.stderr as NodeJS.WriteStream).isTTY) {
    ctx.stderr.write(
      `copied ${summary.copied.length} paths (${(summary.bytes / 1048576).toFixed(1)} MiB) in ${summary.seconds.toFixed(1)} s, skipped ${summary.skipped.length}, failed ${summary.failed.length}\n`,
    );
  }
}

/** A path argument names the store path it is in: `./result` symlinks are followed, `/nix/store/x-y/bin/z` means `/nix/store/x-y`. */
async function storePathOf(argument: string): Promise<string> {
  const match = /^(\/.+?\/[0-9a-df-np-sv-z]{32}-[^/]+)/.exec(argument);
  if (match !== null && !argument.startsWith(".")) return match[1]!;
  try {
    const real = await realpath(argument);
    const inStore = /^(\/.+?\/[0-9a-df-np-sv-z]{32}-[^/]+)/.exec(real);
    if (inStore !== null) return inStore[1]!;
  } catch {
    // not on disk: let the source refuse it by name
  }
  return argument;
}

function positiveInteger(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`copy: ${flag} must be a positive integer, got '${text}'`);
  return Number(text);
}

function nonNegativeInteger(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`copy: ${flag} must be a whole number of seconds, got '${text}'`);
  return Number(text);
}
