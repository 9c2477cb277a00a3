// What a narwhal subcommand is: its words, its options, its help text and what it does.
// Every command file under commands/ exports one of these; cli.ts dispatches on the words.
import type { ParseArgsConfig } from "node:util";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CommandContext {
  /** Positional arguments after the command words. */
  readonly args: string[];
  /** Parsed option values (flags are booleans, others strings or string arrays). */
  readonly options: Record<string, string | boolean | string[] | undefined>;
  readonly stdin: NodeJS.ReadableStream & AsyncIterable<Buffer>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Hands a resource (an opened store) to the dispatcher, which closes it when the command ends; returns it. */
  own<T extends { close(): Promise<void> }>(resource: T): T;
}

export interface Command {
  /** The words that select this command, e.g. ["nar", "dump-path"]. */
  readonly words: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line(s) after "narwhal", e.g. "nar dump-path PATH". */
  readonly usage: string;
  /** Longer description shown by --help. */
  readonly description?: string;
  readonly options?: OptionSpec;
  /** Help lines for the options, in display order: [flag text, explanation]. */
  readonly optionHelp?: ReadonlyArray<readonly [string, string]>;
  /** Minimum and maximum number of positional arguments. */
  readonly arity: readonly [number, number];
  // biome-ignore lint/suspicious/noConfusingVoidType: a command that returns nothing exits 0
  run(ctx: CommandContext): Promise<number | void>;
}
