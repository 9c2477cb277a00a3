// Renders a self-contained SVG scatter chart (no scripts, no external assets): compression ratio against
// compress speed on a log axis, one labelled point per configuration, native CLI runs drawn hollow.

import type { BenchRow } from "./bench-result.js";

const COLOURS: Record<string, string> = {
  zstd: "#1f77b4",
  xz: "#d62728",
  gzip: "#2ca02c",
  bzip2: "#9467bd",
  br: "#ff7f0e",
  none: "#7f7f7f",
};
const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderChartSvg(rows: readonly BenchRow[], title = "narwhal codecs: ratio vs compress speed"): string {
  const points = rows.filter((row) => !row.error && row.compressMBps > 0 && row.ratio > 0);
  const width = 960;
  const height = 600;
  const pad = { left: 70, right: 30, top: 50, bottom: 60 };
  const speeds = points.map((p) => Math.log10(p.compressMBps));
  const ratios = points.map((p) => p.ratio);
  const [xMin, xMax] = [Math.floor(Math.min(0, ...speeds)), Math.ceil(Math.max(1, ...speeds))];
  const [yMin, yMax] = [Math.min(1, ...ratios), Math.max(1.5, ...ratios) * 1.05];
  const x = (mbps: number) =>
    pad.left + ((Math.log10(mbps) - xMin) / (xMax - xMin || 1)) * (width - pad.left - pad.right);
  const y = (ratio: number) =>
    height - pad.bottom - ((ratio - yMin) / (yMax - yMin || 1)) * (height - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 15}" text-anchor="middle">compress MB/s (log scale)</text>`,
    `<text x="18" y="${height / 2}" text-anchor="middle" transform="rotate(-90 18 ${height / 2})">compression ratio</text>`,
  ];
  for (let decade = xMin; decade <= xMax; decade++) {
    const px = x(10 ** decade);
    parts.push(
      `<line x1="${px}" y1="${height - pad.bottom}" x2="${px}" y2="${height - pad.bottom + 5}" stroke="black"/>`,
    );
    parts.push(`<text x="${px}" y="${height - pad.bottom + 18}" text-anchor="middle">${10 ** decade}</text>`);
  }
  const yStep = (yMax - yMin) / 5;
  for (let k = 0; k <= 5; k++) {
    const value = yMin + k * yStep;
    parts.push(`<text x="${pad.left - 8}" y="${y(value) + 4}" text-anchor="end">${value.toFixed(2)}</text>`);
  }
  for (const point of points) {
    const colour = COLOURS[point.codec] ?? "#333";
    const native = point.backend.startsWith("native:");
    const label = `${point.codec}-${point.level} ${point.backend}${point.threads > 1 ? ` T${point.threads}` : ""}${point.parallel ? ` ${point.strategy}` : ""}`;
    parts.push(
      `<circle cx="${x(point.compressMBps).toFixed(1)}" cy="${y(point.ratio).toFixed(1)}" r="5" fill="${native ? "white" : colour}" stroke="${colour}" stroke-width="2"><title>${escapeXml(`${label}: ratio ${point.ratio.toFixed(3)}, ${point.compressMBps.toFixed(1)} MB/s`)}</title></circle>`,
      `<text x="${(x(point.compressMBps) + 7).toFixed(1)}" y="${(y(point.ratio) - 6).toFixed(1)}" fill="${colour}">${escapeXml(label)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}
