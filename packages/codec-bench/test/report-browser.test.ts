// report.html in a real browser (Debian's headless Chromium through playwright-core): it loads from file:// with no
// console errors and no other request, draws one point per configuration on each chart with a legend, its labels
// do not overlap as rendered, hovering shows a point's details, and clicking a column head sorts the table.
// Skipped where /usr/bin/chromium is absent, except under CI (which installs it), where that is a failure.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BenchResult, writeReports } from "../src/index.js";
import { row, typicalRows } from "./bench-rows.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env["CI"]) throw new Error(`${CHROMIUM} is missing but CI is set: install chromium`);

const work = mkdtempSync(join(tmpdir(), "narwhal-report-browser-"));
const rows = [
  ...typicalRows(),
  row({ codec: "gzip", level: 9, ratio: 2.55, compressMBps: 10, decompressMBps: 150 }),
  row({ codec: "br", level: 11, ratio: 3.5, compressMBps: 0.5, decompressMBps: 210 }),
  row({ codec: "bzip2", level: 1, error: "failed <b>on purpose</b>", ratio: 0, compressMBps: 0, decompressMBps: 0 }),
];
const result: BenchResult = {
  startedAt: "2026-12-02T00:00:00.000Z",
  input: {
    description: "closure of /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-<script>x</script>",
    bytes: 30e6,
    items: ["a", "b"],
  },
  machine: { node: "v20.0.0", cpus: 2, platform: "linux x64" },
  rows,
  recommendation: {
    uploadBytesPerSecond: 12.5e6,
    downloadBytesPerSecond: 125e6,
    downloadsPerUpload: 20,
    best: [
      {
        row: 3,
        label: "zstd-19 T2",
        storeUrlSettings: "compression=zstd&compression-level=19&parallel-compression=true",
        pushSecondsPerGiB: 170,
        consumeSecondsPerGiB: 4,
        weightedSecondsPerGiB: 250,
      },
      {
        row: 1,
        label: "zstd-3",
        storeUrlSettings: "compression=zstd&compression-level=3",
        pushSecondsPerGiB: 35,
        consumeSecondsPerGiB: 4.5,
        weightedSecondsPerGiB: 260,
      },
    ],
  },
};
const charted = rows.filter((r) => !r.error && r.codec !== "none").length;

let context: BrowserContext;
beforeAll(async () => {
  if (!hasChromium) return;
  await writeReports(result, work);
  context = await chromium.launchPersistentContext(mkdtempSync(join(work, "profile-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1300, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);
afterAll(async () => {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
});

describe.runIf(hasChromium)("report.html in Chromium", () => {
  it("loads with no console error or request, one point per configuration per chart, a legend, readable labels", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`file://${join(work, "report.html")}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${join(work, "report.html")}`]);
    for (const chart of ["#chart-compress", "#chart-decompress"]) {
      expect(await page.locator(`${chart} .point`).count()).toBe(charted);
      expect(await page.locator(`${chart} .legend`).count()).toBe(1);
      expect(await page.locator(`${chart} .point.recommended`).count()).toBe(2);
      // Rendered label boxes (the browser's own text metrics) never overlap each other.
      const boxes = await page.$$eval(`${chart} text.label`, (nodes) =>
        nodes.map((node) => {
          const b = (
            node as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }
          ).getBBox();
          return [b.x, b.y, b.x + b.width, b.y + b.height, node.textContent ?? ""] as const;
        }),
      );
      expect(boxes.length).toBeGreaterThan(2);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
          expect(overlap, `${a[4]} / ${b[4]}`).toBe(false);
        }
    }
    expect(await page.locator("#recommendation li").count()).toBe(2);
    // Text from the corpus and from errors is shown as text, never parsed as markup.
    expect(await page.locator("script").count()).toBe(2);
    expect(await page.locator("b:text('on purpose')").count()).toBe(0);
    await page.screenshot({ path: join(work, "report.png"), fullPage: true });
    await page.close();
  });

  it("shows a point's details on hover and sorts the table by a clicked column", async () => {
    const page = await context.newPage();
    await page.goto(`file://${join(work, "report.html")}`);
    const xz = page.locator('#chart-compress .point[data-row="5"]');
    await xz.hover();
    const tooltip = page.locator("#tooltip");
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toMatch(/xz-6.*ratio 3\.800.*compress 1\.8 MB\/s/s);
    expect(await page.locator('#results tr[data-row="5"].hot').count()).toBe(1);

    const ratios = () =>
      page.$$eval("#results tbody tr", (trs) =>
        trs.map((tr) => tr.querySelectorAll("td")[6]!.getAttribute("data-value") ?? ""),
      );
    const numbers = (values: string[]) => values.filter((v) => v !== "").map(Number);
    await page.locator('#results th[data-key="ratio"]').click();
    const ascending = numbers(await ratios());
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect((await ratios()).at(-1)).toBe(""); // the failed row (no ratio) sorts last
    await page.locator('#results th[data-key="ratio"]').click();
    const descending = numbers(await ratios());
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await page.locator('#results th[data-key="ratio"]').getAttribute("aria-sort")).toBe("descending");
    await page.locator('#results th[data-key="label"]').click();
    const labels = await page.$$eval("#results tbody tr", (trs) =>
      trs.map((tr) => tr.querySelectorAll("td")[0]!.textContent ?? ""),
    );
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));
    await page.close();
  });
});
