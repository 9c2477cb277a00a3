// `narwhal fetch --from URL PATH... --out DIR`: store paths from any binary cache unpacked after every check (trusted
// signature, FileSize/FileHash, NarSize/NarHash, content address): one path at DIR itself (which must not exist),
// several each at DIR/<hash>-<name>. SIGINT or SIGTERM stops it and removes the temp trees (exit 130/143).
import { FetchError, fetchPath, fetchPathsInto, requirePathInfo } from "@narwhal/fetch";
import { openReadOnlyStore, type BinaryCacheStore, type StoreOpening } from "@narwhal/store";
import type { NarInfo } from "@narwhal/store-path";
import type { Command, CommandContext } from "../command.js";
import { TransferProgress } from "../progress/transfer-progress.js";
import { UsageError } from "../usage-error.js";
import { TRUST_HELP, TRUST_OPTIONS } from "./store-access.js";
import { formatBytes, parseJobs, restoreWorkersFor, sourceCacheOpening, withSignalAbort } from "./copy-to-local.js";
import { escapeForTerminal, jsonForTerminal } from "../terminal-text.js";

export const fetch: Command = {
  words: ["fetch"],
  summary: "fetch store paths from a binary cache and unpack them to a directory, fully verified",
  usage: "fetch --from URL PATH... --out DIR [--jobs N] [--trusted-public-keys KEYS | --no-require-sigs] [--json]",
  description:
    "One PATH is unpacked at DIR, which must not exist; several are unpacked each at DIR/<hash>-<name> (DIR is " +
    "created if missing; each of those must not exist), --jobs at a time, and one that fails does not stop the " +
    "others (exit status 1). Each path is unpacked in a temp directory beside its target and renamed only after the " +
    "signature, FileSize/FileHash, NarSize/NarHash and content-address checks passed, so nothing is left there on " +
    "failure or interruption (SIGINT/SIGTERM remove the temp directories; exit status 130/143). --json prints, for " +
    "one path, {path, out, narSize, fileSize, compression, seconds}; for several, {from, out, fetched: [{path, out, " +
    "narSize, fileSize, compression}], failed: [{path, code, message}], narBytes, seconds}.",
  options: {
    from: { type: "string" },
    out: { type: "string" },
    jobs: { type: "string" },
    json: { type: "boolean" },
    ...TRUST_OPTIONS,
  },
  optionHelp: [
    ["--from URL", "the binary cache (s3://, file://, http(s)://)"],
    ["--out DIR", "where to unpack the path (several paths: the directory that gets DIR/<hash>-<name>)"],
    ["--jobs N", "paths fetched at once when there are several (default 4)"],
    ["--json", "print a JSON summary"],
    ...TRUST_HELP,
  ],
  arity: [1, Number.POSITIVE_INFINITY],
  run(ctx) {
    return withSignalAbort(ctx, (signal) => fetchUntil(ctx, signal));
  },
};

async function fetchUntil({ args, options, stdout, stderr }: CommandContext, signal: AbortSignal): Promise<number> {
  const from = options.from;
  const out = options.out;
  if (typeof from !== "string" || from === "") throw new UsageError("fetch: --from URL is required");
  if (typeof out !== "string" || out === "") throw new UsageError("fetch: --out DIR is required");
  const jobs = parseJobs(options.jobs);
  const keys = options["trusted-public-keys"];
  const opening = sourceCacheOpening(
    from,
    typeof keys === "string" ? keys : undefined,
    options["no-require-sigs"] !== true,
  );
  const store = await openReadOnlyStore(opening);
  if (args.length > 1) return fetchSeveral({ args, options, stdout, stderr }, store, opening, out, jobs, signal);
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

/** Several paths, each at OUT/<hash>-<name>; the exit status is 1 when any failed. */
async function fetchSeveral(
  { args, options, stdout, stderr }: Pick<CommandContext, "args" | "options" | "stdout" | "stderr">,
  store: BinaryCacheStore,
  opening: StoreOpening,
  out: string,
  jobs: number | undefined,
  signal: AbortSignal,
): Promise<number> {
  const progress = new TransferProgress(stderr, { verb: "fetching", items: "paths" });
  const workers = restoreWorkersFor(opening);
  const started = Date.now();
  try {
    progress.plan(new Set(args).size);
    const result = await fetchPathsInto(store, args, out, {
      ...(jobs === undefined ? {} : { jobs }),
      signal,
      workers,
      onNarBytes: (bytes) => progress.addBytes(bytes),
      onFetched: () => progress.itemDone(),
    });
    for (const _failure of result.failed) progress.itemFailed();
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    const narBytes = result.fetched.reduce((sum, item) => sum + item.narSize, 0);
    if (options.json === true) {
      stdout.write(
        `${jsonForTerminal({
          from: store.url,
          out,
          fetched: result.fetched.map((item) => ({
            path: item.storePath,
            out: item.target,
            narSize: item.narSize,
            fileSize: item.fileSize ?? null,
            compression: item.compression,
          })),
          failed: result.failed.map((item) => ({
            path: item.storePath,
            code: (item.error as { code?: string }).code ?? "ERROR",
            message: item.error.message,
          })),
          narBytes,
          seconds,
        })}\n`,
      );
    } else {
      for (const failure of result.failed)
        stderr.write(`narwhal: error: ${escapeForTerminal(failure.error.message)}\n`);
      stderr.write(
        `fetched ${result.fetched.length} paths (${formatBytes(narBytes)} NAR) to ${escapeForTerminal(out)} in ${seconds.toFixed(1)} s${result.failed.length > 0 ? `; ${result.failed.length} failed` : ""}\n`,
      );
    }
    return result.failed.length === 0 ? 0 : 1;
  } finally {
    progress.done();
    await Promise.all([store.close(), workers.close()]);
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
