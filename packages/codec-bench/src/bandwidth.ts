// Parses a link speed as people write it (`100Mbit`, `1Gbps`, `50MB/s`, `12.5 MiB/s`) into bytes per second.
// A lower-case `b` (or `bit`) is bits and an upper-case `B` (or `byte`) is bytes, as network speeds are written;
// k/M/G/T are powers of 1000 and Ki/Mi/Gi/Ti powers of 1024. A bare number is refused: its unit is a guess.

import { CodecBenchError } from "./bench-error.js";

const PREFIXES: Record<string, number> = {
  "": 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
  ti: 2 ** 40,
};

const SHAPE = /^(\d+(?:\.\d+)?|\.\d+)(?:e([+-]?\d+))?\s*(k|m|g|t|ki|mi|gi|ti)?(bits?|b|bytes?)(\/s|ps)?$/i;

/** Bytes per second of a speed such as `100Mbit`, `100Mbit/s`, `1Gbps`, `50MB/s` or `12.5MiB/s`. */
export function parseBandwidth(text: string, name = "bandwidth"): number {
  const trimmed = text.trim();
  const match = SHAPE.exec(trimmed);
  const example = "e.g. 100Mbit, 1Gbps, 50MB/s or 12.5MiB/s (b = bits, B = bytes)";
  if (match === null) {
    const bare = /^\d+(?:\.\d+)?$/.test(trimmed);
    throw new CodecBenchError(
      "INVALID_BANDWIDTH",
      text,
      bare
        ? `${name} ${JSON.stringify(text)} has no unit; write it with one, ${example}`
        : `${name} ${JSON.stringify(text)} is not a speed; write a number and a unit, ${example}`,
    );
  }
  const digits = match[1]!;
  const exponent = match[2];
  const prefix = match[3] ?? "";
  const unit = match[4]!;
  const bits = unit === "b" || /^bits?$/i.test(unit);
  const value = Number(digits) * 10 ** Number(exponent ?? 0);
  const bytesPerSecond = (value * PREFIXES[prefix.toLowerCase()]!) / (bits ? 8 : 1);
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) {
    throw new CodecBenchError(
      "INVALID_BANDWIDTH",
      text,
      `${name} ${JSON.stringify(text)} must be a positive, finite speed, ${example}`,
    );
  }
  return bytesPerSecond;
}

/** A speed for people: `12.5 MB/s (100 Mbit/s)`. */
export function formatBandwidth(bytesPerSecond: number): string {
  const scaled = (value: number, units: readonly string[]) => {
    let index = 0;
    while (value >= 1000 && index < units.length - 1) {
      value /= 1000;
      index++;
    }
    return `${Number(value.toPrecision(3))} ${units[index]}`;
  };
  return `${scaled(bytesPerSecond, ["B/s", "kB/s", "MB/s", "GB/s", "TB/s"])} (${scaled(bytesPerSecond * 8, ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"])})`;
}
