// report.html: the benchmark as one self-contained page (inline SVG, CSS and script; nothing fetched): what was
// measured, the recommendation for the given bandwidths, ratio against compress and decompress speed with a
// legend and the Pareto front, hover details, and every row in a table sorted by clicking a column head.

import { formatBandwidth } from "./bandwidth.js";
import type { BenchResult, BenchRow } from "./bench-result.js";
import { escapeMarkup, isNative, pointLabel } from "./point-style.js";
import { costOf, storeUrlSettingsFor, type ConfigurationCost } from "./recommendation.js";
import { frontOf, isPlottable, renderPanel } from "./scatter-chart.js";

interface Column {
  readonly key: string;
  readonly head: string;
  readonly numeric: boolean;
  /** Shown text and the sort value (a number for numeric columns; NaN sorts last). */
  cell(row: RowView): { text: string; value: string | number };
}

interface RowView {
  readonly index: number;
  readonly row: BenchRow;
  readonly label: string;
  readonly cost: ConfigurationCost | undefined;
  readonly rank: number | undefined;
  readonly front: string;
  readonly settings: string | undefined;
}

const num = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? { text: "n/a", value: Number.NaN }
    : { text: value.toFixed(digits), value };

function columns(withCosts: boolean): Column[] {
  const base: Column[] = [
    { key: "label", head: "configuration", numeric: false, cell: (v) => ({ text: v.label, value: v.label }) },
    { key: "codec", head: "codec", numeric: false, cell: (v) => ({ text: v.row.codec, value: v.row.codec }) },
    { key: "backend", head: "backend", numeric: false, cell: (v) => ({ text: v.row.backend, value: v.row.backend }) },
    { key: "level", head: "level", numeric: true, cell: (v) => num(v.row.level, 0) },
    { key: "threads", head: "threads", numeric: true, cell: (v) => num(v.row.threads, 0) },
    {
      key: "mode",
      head: "mode",
      numeric: false,
      cell: (v) => {
        const mode = isNative(v.row) ? "CLI" : v.row.parallel ? v.row.strategy : "single";
        return { text: mode, value: mode };
      },
    },
    { key: "ratio", head: "ratio", numeric: true, cell: (v) => num(v.row.error ? null : v.row.ratio, 3) },
    {
      key: "compress",
      head: "compress MB/s",
      numeric: true,
      cell: (v) => num(v.row.error ? null : v.row.compressMBps, 1),
    },
    {
      key: "decompress",
      head: "decompress MB/s",
      numeric: true,
      cell: (v) => num(v.row.error ? null : v.row.decompressMBps, 1),
    },
    { key: "rss", head: "peak RSS MiB", numeric: true, cell: (v) => num(v.row.peakRssMiB, 0) },
    { key: "front", head: "Pareto front", numeric: false, cell: (v) => ({ text: v.front, value: v.front || "~" }) },
  ];
  const costs: Column[] = withCosts
    ? [
        { key: "push", head: "push s/GiB", numeric: true, cell: (v) => num(v.cost?.pushSecondsPerGiB, 1) },
        { key: "consume", head: "consume s/GiB", numeric: true, cell: (v) => num(v.cost?.consumeSecondsPerGiB, 2) },
        { key: "weighted", head: "weighted s/GiB", numeric: true, cell: (v) => num(v.cost?.weightedSecondsPerGiB, 1) },
        { key: "rank", head: "recommended", numeric: true, cell: (v) => (v.rank ? num(v.rank, 0) : num(null, 0)) },
      ]
    : [];
  const tail: Column[] = [
    {
      key: "settings",
      head: "store URL settings",
      numeric: false,
      cell: (v) => ({ text: v.settings ?? (v.row.error ? `error: ${v.row.error}` : ""), value: v.settings ?? "~" }),
    },
  ];
  return [...base, ...costs, ...tail];
}

/** JSON for a <script> element: no `</script>` or HTML comment can close it early. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

const seconds = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

export function renderHtmlReport(result: BenchResult): string {
  const recommendation = result.recommendation;
  const model = recommendation && {
    uploadBytesPerSecond: recommendation.uploadBytesPerSecond,
    downloadBytesPerSecond: recommendation.downloadBytesPerSecond,
    downloadsPerUpload: recommendation.downloadsPerUpload,
  };
  const ranks = new Map((recommendation?.best ?? []).map((best, i) => [best.row, i + 1]));
  const compressFront = frontOf(result.rows, "compress");
  const decompressFront = frontOf(result.rows, "decompress");
  const views: RowView[] = result.rows.map((row, index) => ({
    index,
    row,
    label: pointLabel(row),
    cost: model && isPlottable(row) && row.verified ? costOf(row, model, result.machine.cpus) : undefined,
    rank: ranks.get(index),
    front: [compressFront.has(index) ? "compress" : "", decompressFront.has(index) ? "decompress" : ""]
      .filter(Boolean)
      .join(", "),
    settings: storeUrlSettingsFor(row, result.machine.cpus),
  }));
  const cols = columns(model !== undefined);
  const details = views.map((v) => ({
    label: v.label,
    lines: [
      `${v.row.codec} level ${v.row.level}, ${v.row.threads} thread${v.row.threads > 1 ? "s" : ""}, ${isNative(v.row) ? `native CLI: ${v.row.command ?? v.row.backend}` : `backend ${v.row.backend}${v.row.parallel ? `, ${v.row.strategy}` : ""}`}`,
      `ratio ${v.row.ratio.toFixed(3)} (${(v.row.compressedBytes / 1e6).toFixed(2)} MB of ${(v.row.inputBytes / 1e6).toFixed(2)} MB)`,
      `compress ${v.row.compressMBps.toFixed(1)} MB/s, decompress ${v.row.decompressMBps.toFixed(1)} MB/s`,
      `peak RSS ${v.row.peakRssMiB === null ? "n/a" : `${v.row.peakRssMiB.toFixed(0)} MiB`}`,
      ...(v.cost
        ? [
            `push ${seconds(v.cost.pushSecondsPerGiB)} s/GiB, consume ${seconds(v.cost.consumeSecondsPerGiB)} s/GiB, weighted ${seconds(v.cost.weightedSecondsPerGiB)} s/GiB`,
          ]
        : []),
      ...(v.front ? [`on the Pareto front (${v.front})`] : []),
      ...(v.rank ? [`recommended #${v.rank}`] : []),
      ...(v.settings ? [`store URL: ?${v.settings}`] : []),
    ],
  }));
  const panels = (["compress", "decompress"] as const).map((axis) => {
    const panel = renderPanel(result.rows, { axis, recommended: ranks });
    return `<figure><svg id="chart-${axis}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${panel.width} ${panel.height}" width="${panel.width}" height="${panel.height}" font-family="sans-serif" font-size="11" role="img" aria-label="compression ratio against ${axis} speed">\n${panel.body}\n</svg></figure>`;
  });
  const tableRows = views.map((v) => {
    const cells = cols.map((col) => {
      const { text, value } = col.cell(v);
      const sortValue = typeof value === "number" ? (Number.isNaN(value) ? "" : String(value)) : value;
      return `<td data-value="${escapeMarkup(sortValue)}"${col.numeric ? ' class="n"' : ""}>${escapeMarkup(text)}</td>`;
    });
    return `<tr data-row="${v.index}"${v.rank ? ' class="recommended"' : ""}>${cells.join("")}</tr>`;
  });
  const recommendationHtml = recommendation
    ? [
        '<section id="recommendation"><h2>Recommendation</h2>',
        `<p>Upload ${escapeMarkup(formatBandwidth(recommendation.uploadBytesPerSecond))}, download ${escapeMarkup(formatBandwidth(recommendation.downloadBytesPerSecond))}, each NAR downloaded ${recommendation.downloadsPerUpload} time${recommendation.downloadsPerUpload === 1 ? "" : "s"} per upload. Push = compress + upload, consume = download + decompress, per GiB of NAR; ranked by push + ${recommendation.downloadsPerUpload} × consume (the phases are added, not overlapped, so these are upper bounds). Only configurations a store URL selects are ranked.</p>`,
        "<ol>",
        ...recommendation.best.map(
          (best) =>
            `<li><b>${escapeMarkup(best.label)}</b> — <code>?${escapeMarkup(best.storeUrlSettings)}</code>: push ${seconds(best.pushSecondsPerGiB)} s/GiB, consume ${seconds(best.consumeSecondsPerGiB)} s/GiB, weighted ${seconds(best.weightedSecondsPerGiB)} s/GiB</li>`,
        ),
        "</ol></section>",
      ].join("\n")
    : `<p id="recommendation">No recommendation: run with --upload-bandwidth, --download-bandwidth and --downloads-per-upload to rank the configurations for your links.</p>`;
  const items = result.input.items ?? [];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>narwhal codec benchmark</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #111; max-width: 1250px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
figure { margin: 1em 0; } svg.chart { max-width: 100%; height: auto; border: 1px solid #ddd; }
svg .point { cursor: pointer; } svg .point.hot > :last-child { stroke: #000; stroke-width: 3; }
#tooltip { position: fixed; display: none; background: #fffff0; border: 1px solid #888; padding: 6px 8px;
  font-size: 12px; pointer-events: none; box-shadow: 2px 2px 6px rgba(0,0,0,.2); max-width: 420px; z-index: 10; }
#tooltip b { display: block; margin-bottom: 2px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; cursor: pointer; user-select: none; position: sticky; top: 0; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
tr.recommended td { background: #fff4cc; } tr.hot td { background: #dbeeff; }
details { margin: .5em 0; } code { background: #f3f3f3; padding: 0 3px; }
</style>
</head>
<body>
<h1>narwhal codec benchmark</h1>
<p>Input: ${escapeMarkup(result.input.description)}, ${(result.input.bytes / 1e6).toFixed(1)} MB${items.length ? ` in ${items.length} item${items.length === 1 ? "" : "s"}` : ""}. Started ${escapeMarkup(result.startedAt)} on Node ${escapeMarkup(result.machine.node)}, ${result.machine.cpus} CPUs (${escapeMarkup(result.machine.platform)}). MB/s are of uncompressed NAR bytes (1 MB = 10<sup>6</sup> bytes); ratio = NAR / compressed; every run was decompressed and compared with its input.</p>
${items.length ? `<details><summary>What went in</summary><ul>${items.map((item) => `<li>${escapeMarkup(item)}</li>`).join("")}</ul></details>` : ""}
${recommendationHtml}
<h2>Ratio against speed</h2>
<p>Hover a point for its details. Ringed points with labels are the Pareto front of narwhal's configurations on that chart (nothing else is both smaller and faster); hollow markers are the native CLIs, for reference.</p>
${panels.join("\n")}
<h2>Every configuration</h2>
<p>Click a column head to sort.</p>
<table id="results">
<thead><tr>${cols.map((col) => `<th data-key="${col.key}" data-type="${col.numeric ? "number" : "text"}" scope="col">${escapeMarkup(col.head)}</th>`).join("")}</tr></thead>
<tbody>
${tableRows.join("\n")}
</tbody>
</table>
<div id="tooltip" role="tooltip"></div>
<script type="application/json" id="bench-data">${scriptJson(details)}</script>
<script>
(function () {
  "use strict";
  var details = JSON.parse(document.getElementById("bench-data").textContent);
  var tip = document.getElementById("tooltip");
  function mark(row, on) {
    document.querySelectorAll('[data-row="' + row + '"]').forEach(function (el) { el.classList.toggle("hot", on); });
  }
  function place(event) {
    var x = event.clientX + 14, y = event.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = event.clientX - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > window.innerHeight) y = event.clientY - tip.offsetHeight - 14;
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  document.querySelectorAll("svg .point").forEach(function (point) {
    var title = point.querySelector("title");
    if (title) title.remove();
    var row = point.getAttribute("data-row");
    point.addEventListener("mouseenter", function (event) {
      var d = details[Number(row)];
      tip.replaceChildren();
      var head = document.createElement("b"); head.textContent = d.label; tip.appendChild(head);
      d.lines.forEach(function (line) { var div = document.createElement("div"); div.textContent = line; tip.appendChild(div); });
      tip.style.display = "block"; place(event); mark(row, true);
    });
    point.addEventListener("mousemove", place);
    point.addEventListener("mouseleave", function () { tip.style.display = "none"; mark(row, false); });
  });
  var table = document.getElementById("results");
  var body = table.tBodies[0];
  body.querySelectorAll("tr").forEach(function (tr) {
    var row = tr.getAttribute("data-row");
    tr.addEventListener("mouseenter", function () { mark(row, true); });
    tr.addEventListener("mouseleave", function () { mark(row, false); });
  });
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "number";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var va = a.cells[column].getAttribute("data-value"), vb = b.cells[column].getAttribute("data-value");
        if (numeric) {
          if (va === "" || vb === "") return (va === "") - (vb === "");
          return (Number(va) - Number(vb)) * (ascending ? 1 : -1);
        }
        return va.localeCompare(vb) * (ascending ? 1 : -1);
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
    });
  });
})();
</script>
</body>
</html>
`;
}
