// How a configuration is drawn and named in every report: colour by codec, marker shape by how it runs (one
// thread, the library's own threads, independent chunks), hollow for the native CLI reference, and a short label.

import { listCodecs } from "@narwhal/codecs";
import type { BenchRow } from "./bench-result.js";

export const CODEC_COLOURS: Readonly<Record<string, string>> = {
  zstd: "#1f77b4",
  xz: "#d62728",
  gzip: "#2ca02c",
  bzip2: "#9467bd",
  br: "#ff7f0e",
  none: "#7f7f7f",
};
const OTHER_COLOUR = "#333333";

export type MarkerShape = "circle" | "square" | "triangle";

export interface PointStyle {
  readonly colour: string;
  readonly shape: MarkerShape;
  readonly hollow: boolean;
}

export const SHAPE_MEANINGS: ReadonlyArray<readonly [MarkerShape, string]> = [
  ["circle", "one thread"],
  ["square", "the library's own threads (one stream)"],
  ["triangle", "independent chunks, in parallel"],
];

export const isNative = (row: BenchRow) => row.backend.startsWith("native:");

export function pointStyle(row: BenchRow): PointStyle {
  const colour = CODEC_COLOURS[row.codec] ?? OTHER_COLOUR;
  if (isNative(row)) return { colour, shape: row.threads > 1 ? "square" : "circle", hollow: true };
  const shape: MarkerShape = !row.parallel ? "circle" : row.strategy === "chunks" ? "triangle" : "square";
  return { colour, shape, hollow: false };
}

let defaults: Map<string, string> | undefined;
function defaultBackendOf(codec: string): string | undefined {
  defaults ??= new Map(listCodecs().map((entry) => [entry.name, entry.defaultBackend]));
  return defaults.get(codec);
}

/** `zstd-19`, `zstd-(-5)`, `zstd-3 T2`, `gzip-6 T2 chunks`, `xz-6 lzma-native`, `zstd CLI -3 T2`. */
export function pointLabel(row: BenchRow): string {
  if (isNative(row)) {
    const tool = row.backend.slice("native:".length);
    return `${tool} CLI ${row.level < 0 ? `--fast=${-row.level}` : `-${row.level}`}${row.threads > 1 ? ` T${row.threads}` : ""}`;
  }
  const name = row.codec === "none" ? "none" : `${row.codec}-${row.level < 0 ? `(${row.level})` : row.level}`;
  const threads = row.parallel ? ` T${row.threads}${row.strategy === "chunks" ? " chunks" : ""}` : "";
  const backend = defaultBackendOf(row.codec) === row.backend ? "" : ` ${row.backend}`;
  return `${name}${threads}${backend}`;
}

/** The marker as SVG, centred on (x, y). */
export function markerSvg(style: PointStyle, x: number, y: number, size = 5, extra = ""): string {
  const fill = style.hollow ? "white" : style.colour;
  const paint = `fill="${fill}" stroke="${style.colour}" stroke-width="2"${extra}`;
  const at = (n: number) => n.toFixed(1);
  switch (style.shape) {
    case "square":
      return `<rect x="${at(x - size)}" y="${at(y - size)}" width="${at(2 * size)}" height="${at(2 * size)}" ${paint}/>`;
    case "triangle":
      return `<path d="M${at(x)},${at(y - size * 1.25)} L${at(x + size * 1.15)},${at(y + size * 0.85)} L${at(x - size * 1.15)},${at(y + size * 0.85)} Z" ${paint}/>`;
    default:
      return `<circle cx="${at(x)}" cy="${at(y)}" r="${at(size)}" ${paint}/>`;
  }
}

/** Escapes text for SVG/HTML element content and attribute values. */
export const escapeMarkup = (text: string) =>
  text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u001f\u007f]/g, "\uFFFD");
