// chart.svg: the two panels (ratio vs compress speed, ratio vs decompress speed) in one self-contained SVG, with
// no scripts or external assets, so it shows anywhere an image does.

import type { BenchRow } from "./bench-result.js";
import { renderPanel, wrapSvg } from "./scatter-chart.js";

export function renderChartSvg(rows: readonly BenchRow[], recommended?: ReadonlyMap<number, number>): string {
  return wrapSvg([
    renderPanel(rows, { axis: "compress", ...(recommended ? { recommended } : {}) }),
    renderPanel(rows, { axis: "decompress", ...(recommended ? { recommended } : {}) }),
  ]);
}
