// Parses durations like `90s`, `30m`, `1h`, `7d`, `2w` (or sums such as `1h30m`) into milliseconds, for the
// gc's --older-than and --grace options.

import { MaintenanceError } from "./errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let match = pattern.exec(trimmed); match !== null; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    matched = pattern.lastIndex;
  }
  if (trimmed === "" || matched !== trimmed.length) {
    throw new MaintenanceError(
      "BAD_DURATION",
      text,
      `invalid duration ${JSON.stringify(text)}: use a number followed by ms, s, m, h, d or w (e.g. 1h, 30m, 7d, 1h30m)`,
    );
  }
  return total;
}
