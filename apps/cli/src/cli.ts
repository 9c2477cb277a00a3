// The dispatcher: picks the command from the leading words, parses its options, prints help,
// and turns any thrown error into one line on stderr (URL passwords hidden, control characters escaped) and a non-zero exit status.
import { parseArgs } from "node:util";
import { redactStoreUrl } from "@narwhal/store-url";
import type { Command, CommandContext } from "./command.js";
import { OutputClosedError } from "./chunk-writer.js";
import { UsageError } from "./usage-error.js";
import { commands, loadAllCommands, type CommandEntry } from "./commands/index.js";
import { escapeForTerminal } from "./terminal-text.js";
import { VERSION } from "./version.js";

export interface CliIo {
  stdin: CommandContext["stdin"];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  debug: { type: "boolean" },
} as const;

/** Runs narwhal with `argv` (without the node and script names) and returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    return await dispatch(argv, io);
  } catch (err) {
    const error = err as Error;
    if (err instanceof OutputClosedError) return 0;
    if (err instanceof UsageError) {
      io.stderr.write(`narwhal: ${forTerminal(oneLine(error))}\nTry 'narwhal --help'.\n`);
      return 2;
    }
    io.stderr.write(`narwhal: error: ${forTerminal(oneLine(error))}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack.split("\n").map(forTerminal).join("\n")}\n`);
    return 1;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    const topic = argv[0] === "help" ? argv.slice(1) : [];
    if (topic.length > 0) {
      const { entry } = findCommand(topic);
      if (!entry) throw new UsageError(`unknown command '${topic.join(" ")}'`);
      io.stdout.write(commandHelp(await entry.load()));
    } else {
      io.stdout.write(overview(await loadAllCommands()));
    }
    return 0;
  }
  if (argv[0] === "--version") {
    io.stdout.write(`narwhal ${VERSION}\n`);
    return 0;
  }
  const words = argv.filter((a) => !a.startsWith("-"));
  const { entry, used } = findCommand(words);
  if (!entry) {
    const group = await Promise.all(commands.filter((c) => c.words[0] === words[0]).map((c) => c.load()));
    if (group.length > 0 && (words.length === 1 || argv.includes("--help") || argv.includes("-h"))) {
      io.stdout.write(groupHelp(words[0]!, group));
      return words.length === 1 && !argv.includes("--help") && !argv.includes("-h") ? 2 : 0;
    }
    throw new UsageError(`unknown command '${words.slice(0, 2).join(" ") || argv[0]}'`);
  }
  const command = await entry.load();
  const rest = removeWords(argv, used);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...(command.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${command.words.join(" ")}: ${(err as Error).message.replace(/\. To specify.*$/s, "")}`);
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const [min, max] = command.arity;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(
      `${command.words.join(" ")}: expected ${arityText(min, max)}, got ${parsed.positionals.length}; usage: narwhal ${command.usage}`,
    );
  }
  const owned: Array<{ close(): Promise<void> }> = [];
  try {
    const status = await command.run({
      args: parsed.positionals,
      options: parsed.values as CommandContext["options"],
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      own: (resource) => {
        owned.push(resource);
        return resource;
      },
    });
    return status ?? 0;
  } finally {
    for (const resource of owned.reverse()) await resource.close().catch(() => {});
  }
}

function findCommand(words: string[]): { entry: CommandEntry | undefined; used: number } {
  let best: CommandEntry | undefined;
  for (const c of commands) {
    if (c.words.every((w, i) => words[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  return { entry: best, used: best?.words.length ?? 0 };
}

/** Removes the first `count` non-option words (the command words) from argv. */
function removeWords(argv: string[], count: number): string[] {
  const out: string[] = [];
  let removed = 0;
  for (const a of argv) {
    if (removed < count && !a.startsWith("-")) {
      removed++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function arityText(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? "" : "s"}`;
  return `${min} to ${max} arguments`;
}

function oneLine(error: Error): string {
  return String(error.message)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join("; ");
}

/** Error text can hold cache data (narinfo fields, `Sig:` key names, NAR entry names) and store URLs. */
function forTerminal(line: string): string {
  return escapeForTerminal(redactStoreUrl(line));
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.words.join(" ").length));
  const lines = commands.map((c) => `  ${c.words.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    `narwhal ${VERSION} — write and read Nix binary caches (S3, file://, http)`,
    "",
    "Usage: narwhal COMMAND [OPTIONS] [ARGS]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options for every command:",
    "  -h, --help   show help for the command",
    "  --debug      print stack traces with errors",
    "",
    "Run 'narwhal COMMAND --help' for a command's options.",
    "",
  ].join("\n");
}

function groupHelp(group: string, members: Command[]): string {
  const width = Math.max(...members.map((c) => c.words.join(" ").length));
  return [
    `Usage: narwhal ${group} SUBCOMMAND ...`,
    "",
    "Subcommands:",
    ...members.map((c) => `  ${c.words.join(" ").padEnd(width)}  ${c.summary}`),
    "",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const opts = [
    ...(command.optionHelp ?? []),
    ["-h, --help", "show this help"] as const,
    ["--debug", "print stack traces with errors"] as const,
  ];
  const width = Math.max(...opts.map(([f]) => f.length));
  return [
    `Usage: narwhal ${command.usage}`,
    "",
    command.summary,
    ...(command.description ? ["", command.description] : []),
    "",
    "Options:",
    ...opts.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    "",
  ].join("\n");
}
