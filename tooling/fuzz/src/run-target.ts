// Runs one fuzz target for N fast-check inputs and checks the fuzz properties on each: the parser returns or throws
// its own typed error, no input takes over 1 s, and process RSS stays under a bound; crashes are collected, not fatal.

import fc from "fast-check";
import { FuzzFinding, type FuzzTarget } from "./fuzz-target.js";

export interface FuzzOptions {
  readonly runs: number;
  /** fast-check seed; the same seed replays the same inputs. */
  readonly seed: number;
  /** A single input taking longer than this is a finding (a hang). */
  readonly maxInputMilliseconds: number;
  /** RSS above this, sampled every 256 inputs, is a finding. */
  readonly maxRssBytes: number;
}

export const DEFAULT_FUZZ_OPTIONS: Omit<FuzzOptions, "runs" | "seed"> = {
  maxInputMilliseconds: 1000,
  maxRssBytes: 500 * 1024 * 1024,
};

/** One distinct problem: the shortest input seen for it, and how often it occurred. */
export interface FuzzFindingReport {
  readonly kind: "crash" | "property" | "hang" | "memory";
  readonly error: string;
  input: string;
  inputLength: number;
  occurrences: number;
}

export interface FuzzTargetResult {
  readonly name: string;
  readonly inputs: number;
  readonly accepted: number;
  readonly refused: number;
  readonly seconds: number;
  readonly slowestInputMilliseconds: number;
  readonly peakRssBytes: number;
  readonly findings: FuzzFindingReport[];
}

const RSS_SAMPLE_INTERVAL = 256;

/** What kind of problem `error` is, and a message with numbers masked so variants of one bug group together. */
function classify(error: unknown): { kind: "crash" | "property"; error: string; key: string } {
  const text =
    error instanceof Error ? `${error.constructor.name}: ${error.message}` : `non-Error thrown: ${String(error)}`;
  const firstLine = text.split("\n")[0]!.slice(0, 300);
  return {
    kind: error instanceof FuzzFinding ? "property" : "crash",
    error: firstLine,
    key: firstLine.replace(/\d+/g, "N").replace(/"[^"]*"/g, '"…"'),
  };
}

export async function runFuzzTarget<Input>(target: FuzzTarget<Input>, options: FuzzOptions): Promise<FuzzTargetResult> {
  let inputs = 0;
  let accepted = 0;
  let refused = 0;
  let slowest = 0;
  let peakRss = process.memoryUsage.rss();
  const findings = new Map<string, FuzzFindingReport>();
  const note = (kind: FuzzFindingReport["kind"], error: string, key: string, input: Input, length: number): void => {
    const known = findings.get(key);
    if (known === undefined) {
      findings.set(key, { kind, error, input: target.describe(input), inputLength: length, occurrences: 1 });
      return;
    }
    known.occurrences++;
    if (length < known.inputLength) {
      known.input = target.describe(input);
      known.inputLength = length;
    }
  };
  const lengthOf = (input: Input): number => {
    const value = input as unknown as { length?: number; bytes?: { length: number } };
    return value.length ?? value.bytes?.length ?? 0;
  };

  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(target.inputs, async (input) => {
      inputs++;
      const before = performance.now();
      try {
        const result = target.run(input);
        if (result !== "accepted") await result;
        accepted++;
      } catch (error) {
        if (target.isOwnError(error) && !(error instanceof FuzzFinding)) {
          refused++;
        } else {
          const { kind, error: message, key } = classify(error);
          note(kind, message, key, input, lengthOf(input));
        }
      }
      const elapsed = performance.now() - before;
      if (elapsed > slowest) slowest = elapsed;
      if (elapsed > options.maxInputMilliseconds)
        note(
          "hang",
          `one input took ${elapsed.toFixed(0)} ms (limit ${options.maxInputMilliseconds} ms)`,
          "hang",
          input,
          lengthOf(input),
        );
      if (inputs % RSS_SAMPLE_INTERVAL === 0) {
        const rss = process.memoryUsage.rss();
        if (rss > peakRss) peakRss = rss;
        if (rss > options.maxRssBytes)
          note(
            "memory",
            `RSS ${(rss / 2 ** 20).toFixed(0)} MiB above ${(options.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
            "memory",
            input,
            lengthOf(input),
          );
      }
    }),
    { numRuns: options.runs, seed: options.seed },
  );
  return {
    name: target.name,
    inputs,
    accepted,
    refused,
    seconds: (performance.now() - started) / 1000,
    slowestInputMilliseconds: slowest,
    peakRssBytes: peakRss,
    findings: [...findings.values()],
  };
}
