// `narwhal fetch --from URL PATH --out DIR`: one store path from any binary cache unpacked at DIR (which must not
// exist), after every check: trusted signature, FileSize/FileHash, NarSize/NarHash, content address. SIGINT or
// SIGTERM stops it and removes the temp tree (exit 130/143).
import { FetchError, fetchPath, requirePathInfo } from "@narwhal/fetch";
import type { BinaryCacheStore } from "@narwhal/store";
import type { NarInfo } from "@narwhal/store-path";
import type { Command, CommandContext } from "../command.js";
import { TransferProgress } from "../progress/transfer-progress.js";
import { UsageError } from "../usage-error.js";
import { TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";
import { formatBytes, openSourceCache, withSignalAbort } from "./copy-to-local.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";

export const fetch: Command = {
  words: ["fetch"],
  summary: "fetch one store path from a binary cache and unpack it to a directory, fully verified",
  usage: "fetch --from URL PATH --out DIR [--trusted-public-keys KEYS | --no-require-sigs] [--json]",
  description:
    "DIR must not exist. The path is unpacked in a temp directory beside DIR and renamed only after the signature, " +
    "FileSize/FileHash, NarSize/NarHash and content-address checks passed, so nothing is left at DIR on failure " +
    "or interruption (SIGINT/SIGTERM remove the temp directory; exit status 130/143).",
  options: { from: { type: "string" }, out: { type: "string" }, json: { type: "boolean" }, ...TRUST_OPTIONS },
  optionHelp: [
    ["--from URL", "the binary cache (s3://, file://, http(s)://)"],
    ["--out DIR", "where to unpack the path"],
    ["--json", "print a JSON summary"],
    ...TRUST_HELP,
  ],
  arity: [1, 1],
  run(ctx) {
    return withSignalAbort(ctx, (signal) => fetchUntil(ctx, signal));
  },
};

async function fetchUntil({ args, options, stdout, stderr }: CommandContext, signal: AbortSignal): Promise<number> {
  const from = options.from;
  const out = options.out;
  if (typeof from !== "string" || from === "") throw new UsageError("fetch: --from URL is required");
  if (typeof out !== "string" || out === "") throw new UsageError("fetch: --out DIR is required");
  const keys = options["trusted-public-keys"];
  const store = await openSourceCache(
    from,
    typeof keys === "string" ? keys : undefined,
    options["no-require-sigs"] !== true,
  );
  const progress = new TransferProgress(stderr, {
    verb: "fetching",
    subject: args[0]!,
    preparing: "reading its narinfo",
  });
  const started = Date.now();
  try {
    const info = await pathInfoUnlessAborted(store, args[0]!, signal);
    progress.plan(1, info.narSize);
    const fetched = await fetchPath(store, info, out, { signal, onNarBytes: (bytes) => progress.addBytes(bytes) });
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    if (options.json === true) {
      stdout.write(
        `${jsonForTerminal({ path: fetched.storePath, out: fetched.target, narSize: fetched.narSize, fileSize: fetched.fileSize ?? null, compression: fetched.compression, seconds })}\n`,
      );
    } else {
      stderr.write(
        `fetched ${escapeForTerminal(fetched.storePath)} (${formatBytes(fetched.narSize)} NAR) to ${escapeForTerminal(fetched.target)}\n`,
      );
    }
    return 0;
  } finally {
    progress.done();
    await store.close();
  }
}

/** The narinfo first, so the display knows the NAR's size; a signal ends the wait as it ends the fetch. */
function pathInfoUnlessAborted(store: BinaryCacheStore, path: string, signal: AbortSignal): Promise<NarInfo> {
  const lookup = requirePathInfo(store, path);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      lookup.catch(() => undefined);
      reject(
        new FetchError(
          "ABORTED",
          path,
          `fetching ${path} was aborted (${String(signal.reason?.message ?? "aborted")})`,
          {
            cause: signal.reason,
          },
        ),
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    lookup.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
