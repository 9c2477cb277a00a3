// One chart panel as SVG: compression ratio against compress or decompress speed (log axis), a marker per
// configuration (colour = codec, shape = mode, hollow = native CLI), the Pareto front of narwhal's rows drawn as a
// dashed line with ringed markers, labels only on front and recommended points (placed so none overlap), and a
// legend beside the plot. Shared by chart.svg and the HTML report, so both draw the same picture.

import type { BenchRow } from "./bench-result.js";
import { paretoFront } from "./pareto.js";
import {
  CODEC_COLOURS,
  SHAPE_MEANINGS,
  escapeMarkup,
  isNative,
  markerSvg,
  pointLabel,
  pointStyle,
} from "./point-style.js";

export type SpeedAxis = "compress" | "decompress";

export interface PanelOptions {
  readonly axis: SpeedAxis;
  readonly title?: string;
  /** Row index -> rank (1 = best) of the recommended configurations. */
  readonly recommended?: ReadonlyMap<number, number>;
}

export interface Panel {
  readonly width: number;
  readonly height: number;
  /** SVG elements (no <svg> wrapper), in panel coordinates. */
  readonly body: string;
}

const WIDTH = 1000;
const HEIGHT = 540;
const PLOT = { left: 70, right: 770, top: 50, bottom: 480 };
const CHAR_WIDTH = 6.4; // per character at font-size 11: measured 5.2 (Liberation Sans/Arial) and 5.9 (DejaVu Sans)

export const speedOf = (row: BenchRow, axis: SpeedAxis) =>
  axis === "compress" ? row.compressMBps : row.decompressMBps;

/** Rows a chart can place: measured without error, positive ratio and speeds. */
export const isPlottable = (row: BenchRow) =>
  !row.error && row.ratio > 0 && row.compressMBps > 0 && row.decompressMBps > 0;

/**
 * Rows the charts draw: plottable ones except `none`, whose ratio of 1 at memory speed would squash every real codec
 * into a corner; it stays in the tables and the recommendation.
 */
export const isCharted = (row: BenchRow) => isPlottable(row) && row.codec !== "none";

/** Indexes (into `rows`) of narwhal's rows on the Pareto front for this axis; native CLI rows are reference only. */
export function frontOf(rows: readonly BenchRow[], axis: SpeedAxis): Set<number> {
  const candidates = rows.map((row, index) => ({ row, index })).filter(({ row }) => isCharted(row) && !isNative(row));
  const front = paretoFront(
    candidates,
    (c) => c.row.ratio,
    (c) => speedOf(c.row, axis),
  );
  return new Set([...front].map((i) => candidates[i]!.index));
}

function niceStep(span: number): number {
  const raw = span / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

type Box = readonly [number, number, number, number];
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

export function renderPanel(rows: readonly BenchRow[], options: PanelOptions): Panel {
  const axis = options.axis;
  const recommended = options.recommended ?? new Map<number, number>();
  const points = rows.map((row, index) => ({ row, index })).filter(({ row }) => isCharted(row));
  const front = frontOf(rows, axis);
  const logs = points.map((p) => Math.log10(speedOf(p.row, axis)));
  const xMin = Math.floor(Math.min(...logs, 1));
  const xMax = Math.max(Math.ceil(Math.max(...logs, 2)), xMin + 2);
  const ratios = points.length > 0 ? points.map((p) => p.row.ratio) : [1, 2];
  const low = Math.min(...ratios);
  const high = Math.max(...ratios, low + 0.1);
  const step = niceStep(high - low);
  const yMin = Math.floor((low - (high - low) * 0.03) / step) * step;
  const yMax = Math.ceil((high + (high - low) * 0.05) / step) * step;
  const x = (mbps: number) => PLOT.left + ((Math.log10(mbps) - xMin) / (xMax - xMin)) * (PLOT.right - PLOT.left);
  const y = (ratio: number) => PLOT.bottom - ((ratio - yMin) / (yMax - yMin)) * (PLOT.bottom - PLOT.top);
  const axisName = axis === "compress" ? "compress" : "decompress";
  const title = options.title ?? `compression ratio vs ${axisName} speed`;
  const out: string[] = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="28" text-anchor="middle" font-size="16">${escapeMarkup(title)}</text>`,
  ];
  // Grid and axes.
  for (let decade = xMin; decade <= xMax; decade++) {
    for (const m of decade < xMax ? [1, 2, 5] : [1]) {
      const value = m * 10 ** decade;
      const px = x(value);
      out.push(
        `<line x1="${px.toFixed(1)}" y1="${PLOT.top}" x2="${px.toFixed(1)}" y2="${PLOT.bottom}" stroke="${m === 1 ? "#ccc" : "#eee"}"/>`,
        `<text x="${px.toFixed(1)}" y="${PLOT.bottom + 16}" text-anchor="middle" fill="${m === 1 ? "#000" : "#777"}">${Number(value.toPrecision(3))}</text>`,
      );
    }
  }
  for (let value = yMin; value <= yMax + step / 2; value += step) {
    const py = y(value);
    out.push(
      `<line x1="${PLOT.left}" y1="${py.toFixed(1)}" x2="${PLOT.right}" y2="${py.toFixed(1)}" stroke="#eee"/>`,
      `<text x="${PLOT.left - 8}" y="${(py + 4).toFixed(1)}" text-anchor="end">${Number(value.toFixed(3))}</text>`,
    );
  }
  out.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#000"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 40}" text-anchor="middle">${axisName} MB/s of NAR (log scale) →</text>`,
    `<text x="20" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">compression ratio (NAR / compressed) →</text>`,
  );
  // The front as a dashed line, fastest last.
  const frontPoints = points
    .filter((p) => front.has(p.index))
    .sort((a, b) => speedOf(a.row, axis) - speedOf(b.row, axis));
  if (frontPoints.length > 1) {
    const d = frontPoints.map((p) => `${x(speedOf(p.row, axis)).toFixed(1)},${y(p.row.ratio).toFixed(1)}`).join(" ");
    out.push(
      `<polyline class="front" points="${d}" fill="none" stroke="#555" stroke-width="1.2" stroke-dasharray="5 4"/>`,
    );
  }
  // Markers: the front and the recommended points drawn last, so they stay on top (and under the pointer) where
  // markers overlap.
  const obstacles: Box[] = [];
  const drawOrder = (index: number) => (recommended.has(index) ? 2 : front.has(index) ? 1 : 0);
  for (const { row, index } of [...points].sort((a, b) => drawOrder(a.index) - drawOrder(b.index))) {
    const px = x(speedOf(row, axis));
    const py = y(row.ratio);
    obstacles.push([px - 6, py - 6, px + 6, py + 6]);
    const rank = recommended.get(index);
    const tip = `${pointLabel(row)}: ratio ${row.ratio.toFixed(3)}, compress ${row.compressMBps.toFixed(1)} MB/s, decompress ${row.decompressMBps.toFixed(1)} MB/s${front.has(index) ? ", on the Pareto front" : ""}${rank ? `, recommended #${rank}` : ""}`;
    out.push(
      `<g class="point${front.has(index) ? " on-front" : ""}${rank ? " recommended" : ""}" data-row="${index}">`,
      `<title>${escapeMarkup(tip)}</title>`,
      ...(rank
        ? [`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="12" fill="none" stroke="#e6a700" stroke-width="3"/>`]
        : []),
      ...(front.has(index)
        ? [`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="8.5" fill="none" stroke="#000" stroke-width="1.2"/>`]
        : []),
      markerSvg(pointStyle(row), px, py),
      "</g>",
    );
  }
  // Labels for recommended then front points (highest ratio first), each where it overlaps nothing placed.
  const labelled = points
    .filter((p) => front.has(p.index) || recommended.has(p.index))
    .sort((a, b) => (recommended.get(a.index) ?? 99) - (recommended.get(b.index) ?? 99) || b.row.ratio - a.row.ratio);
  const placed: Box[] = [];
  for (const { row, index } of labelled) {
    const rank = recommended.get(index);
    const text = `${rank ? `#${rank} ` : ""}${pointLabel(row)}`;
    const w = text.length * CHAR_WIDTH;
    const px = x(speedOf(row, axis));
    const py = y(row.ratio);
    const candidates: Array<[number, number]> = [
      [px + 11, py - 5],
      [px + 11, py + 13],
      [px - 11 - w, py - 5],
      [px - 11 - w, py + 13],
      [px - w / 2, py - 14],
      [px - w / 2, py + 24],
    ];
    for (const [tx, ty] of candidates) {
      const box: Box = [tx - 1, ty - 10, tx + w + 1, ty + 3];
      const inside = box[0] >= PLOT.left && box[2] <= PLOT.right && box[1] >= PLOT.top && box[3] <= PLOT.bottom;
      if (!inside || placed.some((b) => overlaps(b, box)) || obstacles.some((b) => overlaps(b, box))) continue;
      placed.push(box);
      out.push(
        `<text class="label" data-row="${index}" x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" fill="${rank ? "#8a5a00" : "#000"}"${rank ? ' font-weight="bold"' : ""}>${escapeMarkup(text)}</text>`,
      );
      break;
    }
  }
  out.push(renderLegend(rows, recommended.size > 0));
  return { width: WIDTH, height: HEIGHT, body: out.join("\n") };
}

function renderLegend(rows: readonly BenchRow[], withRecommended: boolean): string {
  const left = PLOT.right + 20;
  let top = PLOT.top + 4;
  const out: string[] = [`<g class="legend">`, `<text x="${left}" y="${top}" font-weight="bold">codec</text>`];
  const codecs = [...new Set(rows.filter(isCharted).map((row) => row.codec))].sort();
  for (const codec of codecs) {
    top += 17;
    out.push(
      `<rect class="legend-codec" x="${left}" y="${top - 9}" width="10" height="10" fill="${CODEC_COLOURS[codec] ?? "#333333"}"/>`,
      `<text x="${left + 16}" y="${top}">${escapeMarkup(codec)}</text>`,
    );
  }
  top += 26;
  out.push(`<text x="${left}" y="${top}" font-weight="bold">marker</text>`);
  for (const [shape, meaning] of SHAPE_MEANINGS) {
    top += 17;
    out.push(
      markerSvg({ colour: "#555", shape, hollow: false }, left + 5, top - 4, 4.5),
      `<text x="${left + 16}" y="${top}">${escapeMarkup(meaning)}</text>`,
    );
  }
  top += 17;
  out.push(
    markerSvg({ colour: "#555", shape: "circle", hollow: true }, left + 5, top - 4, 4.5),
    `<text x="${left + 16}" y="${top}">hollow: native CLI (reference)</text>`,
  );
  top += 26;
  out.push(
    `<line x1="${left - 2}" y1="${top - 4}" x2="${left + 12}" y2="${top - 4}" stroke="#555" stroke-dasharray="5 4"/>`,
    `<circle cx="${left + 5}" cy="${top - 4}" r="6" fill="none" stroke="#000" stroke-width="1.2"/>`,
    `<text x="${left + 16}" y="${top}">Pareto front (labelled):</text>`,
    `<text x="${left + 16}" y="${top + 14}">nothing is both smaller</text>`,
    `<text x="${left + 16}" y="${top + 28}">and faster</text>`,
  );
  top += 28;
  if (rows.some((row) => row.codec === "none" && isPlottable(row))) {
    top += 26;
    out.push(
      `<text x="${left}" y="${top}">compression=none (ratio 1) is in</text>`,
      `<text x="${left}" y="${top + 14}">the table, not drawn</text>`,
    );
    top += 14;
  }
  if (withRecommended) {
    top += 26;
    out.push(
      `<circle cx="${left + 5}" cy="${top - 4}" r="7" fill="none" stroke="#e6a700" stroke-width="3"/>`,
      `<text x="${left + 16}" y="${top}">#n recommended for the</text>`,
      `<text x="${left + 16}" y="${top + 14}">given bandwidths</text>`,
    );
  }
  out.push("</g>");
  return out.join("\n");
}

/** A standalone SVG document of one or more panels stacked. */
export function wrapSvg(panels: readonly Panel[]): string {
  const width = Math.max(...panels.map((p) => p.width));
  const height = panels.reduce((sum, p) => sum + p.height, 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
  ];
  let offset = 0;
  for (const panel of panels) {
    parts.push(`<g transform="translate(0 ${offset})">`, panel.body, "</g>");
    offset += panel.height;
  }
  parts.push("</svg>");
  return parts.join("\n");
}
