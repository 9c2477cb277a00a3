// The progress display's rules without a terminal: when it draws and in colour (TTY, TERM=dumb, NO_COLOR,
// FORCE_COLOR, locale), how lines fit a width (bars shrink, fields go in order, names are cut, never wider than
// asked), the sliding-window rate, the units, that hostile path names reach the terminal escaped, and that a
// display on a pipe writes nothing. The real terminal is in progress-terminal.test.ts.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type BarRow, layoutBars } from "../src/progress/bar-table.js";
import { formatBytes, formatDuration } from "../src/progress/byte-units.js";
import { LiveDisplay } from "../src/progress/live-display.js";
import { RateMeter } from "../src/progress/rate-meter.js";
import { fitLine, lineColumns } from "../src/progress/styled-line.js";
import { terminalCapabilities } from "../src/progress/terminal-capabilities.js";
import { TransferProgress } from "../src/progress/transfer-progress.js";

/** A stream that says it is a terminal of `columns` x `rows` and keeps what is written to it. */
function terminalLike(
  columns = 80,
  rows = 24,
): PassThrough & { isTTY: true; columns: number; rows: number; text(): string } {
  const stream = new PassThrough() as PassThrough & { isTTY: true; columns: number; rows: number; text(): string };
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  Object.assign(stream, { isTTY: true, columns, rows, hasColors: () => true, text: () => chunks.join("") });
  return stream;
}

const UTF8 = { LANG: "C.UTF-8", TERM: "xterm-256color" };

describe("when the display draws, and in colour", () => {
  it("draws only on a terminal that is not TERM=dumb", () => {
    expect(terminalCapabilities(new PassThrough(), { ...UTF8, FORCE_COLOR: "1" })).toMatchObject({
      live: false,
      colour: false,
    });
    expect(terminalCapabilities(terminalLike(), UTF8)).toMatchObject({ live: true, colour: true });
    expect(terminalCapabilities(terminalLike(), { ...UTF8, TERM: "dumb" })).toMatchObject({
      live: false,
      colour: false,
    });
  });

  it("never colours under a non-empty NO_COLOR, even with FORCE_COLOR; FORCE_COLOR=0 turns colour off", () => {
    expect(terminalCapabilities(terminalLike(), { ...UTF8, NO_COLOR: "1", FORCE_COLOR: "3" }).colour).toBe(false);
    expect(terminalCapabilities(terminalLike(), { ...UTF8, NO_COLOR: "" }).colour).toBe(true);
    expect(terminalCapabilities(terminalLike(), { ...UTF8, FORCE_COLOR: "0" }).colour).toBe(false);
    const monochrome = Object.assign(terminalLike(), { hasColors: () => false });
    expect(terminalCapabilities(monochrome, UTF8).colour).toBe(false);
    expect(terminalCapabilities(monochrome, { ...UTF8, FORCE_COLOR: "1" }).colour).toBe(true);
  });

  it("draws block bars only in a UTF-8 locale (LC_ALL, then LC_CTYPE, then LANG)", () => {
    expect(terminalCapabilities(terminalLike(), { LANG: "en_US.UTF-8" }).unicode).toBe(true);
    expect(terminalCapabilities(terminalLike(), { LANG: "en_US.UTF-8", LC_ALL: "C" }).unicode).toBe(false);
    expect(terminalCapabilities(terminalLike(), { LC_CTYPE: "de_DE.utf8" }).unicode).toBe(true);
    expect(terminalCapabilities(terminalLike(), {}).unicode).toBe(false);
  });
});

describe("lines fit the terminal", () => {
  const overall: BarRow = {
    label: [{ text: "copying 12/345 paths" }],
    fraction: 0.5,
    fields: [{ text: "50%" }, { text: "1.0/2.0 GiB" }, { text: "41.3 MiB/s" }, { text: "ETA 0:25" }],
  };
  const item: BarRow = {
    label: [{ text: "  texlive-combined-full-2023-final-with-a-long-name" }],
    shrink: true,
    fraction: 0.25,
    fields: [{ text: "25%" }, { text: "100.0/400.0 MiB" }],
  };
  const columns = [
    { minWidth: 4, align: "right", keep: 1 },
    { minWidth: 14, align: "right", keep: 5 },
    { minWidth: 11, align: "right", keep: 2 },
    { minWidth: 9, align: "left", keep: 3 },
  ] as const;
  const text = (line: ReturnType<typeof layoutBars>[number]) => line.map((segment) => segment.text).join("");

  it("is never wider than asked, from 20 to 200 columns, in Unicode and ASCII", () => {
    for (let width = 20; width <= 200; width++)
      for (const unicode of [true, false])
        for (const line of layoutBars([overall, item], columns, width, unicode))
          expect(lineColumns(fitLine(line, width)), `${width}: ${text(line)}`).toBeLessThanOrEqual(width);
  });

  it("keeps every field on a wide terminal, with the bars aligned", () => {
    const [first, second] = layoutBars([overall, item], columns, 160, true).map(text);
    expect(first).toMatch(/^copying 12\/345 paths +█{20}░{20} {2}50% +1\.0\/2\.0 GiB +41\.3 MiB\/s {2}ETA 0:25$/);
    expect(second).toMatch(/^ {2}texlive-combined-full-2023-final-with-a-long-name +█{10}░{30} {2}25%/);
    expect(first!.indexOf("█")).toBe(second!.indexOf("█"));
  });

  it("on a narrow one cuts the names, then drops the percent, the rate, the ETA and the bar, in that order", () => {
    const at = (width: number) => text(layoutBars([overall, item], columns, width, true)[0]!);
    const cut = text(layoutBars([overall, item], columns, 100, true)[1]!);
    expect(cut).toMatch(/^ {2}texlive-combined-.*… [█░]{12,} +25%/);
    expect(at(79)).toMatch(/^copying 12\/345 paths +[█░]{12} +50% +1\.0\/2\.0 GiB +41\.3 MiB\/s {2}ETA 0:25$/);
    expect(at(77)).toMatch(/^copying 12\/345 paths +[█░]{12} +1\.0\/2\.0 GiB +41\.3 MiB\/s {2}ETA 0:25$/);
    expect(at(71)).toMatch(/^copying 12\/345 paths +[█░]{12} +1\.0\/2\.0 GiB {2}ETA 0:25$/);
    expect(at(58)).toMatch(/^copying 12\/345 paths +[█░]{12} +1\.0\/2\.0 GiB$/);
    expect(at(47)).toMatch(/^copying 12\/345 paths +1\.0\/2\.0 GiB$/);
  });

  it("draws ASCII bars in brackets outside a UTF-8 locale", () => {
    expect(text(layoutBars([overall], columns, 120, false)[0]!)).toMatch(/ \[#{20}-{20}\] /);
  });

  it("cuts with an ellipsis and counts characters other than ASCII as two columns", () => {
    expect(fitLine([{ text: "abcdef" }, { text: "ghij" }], 8).map((s) => s.text)).toEqual(["abcdef", "g…"]);
    expect(lineColumns(fitLine([{ text: "日本語のパス名" }], 7))).toBeLessThanOrEqual(7);
  });
});

describe("rates, sizes and durations", () => {
  it("measures the rate over the last window, not since the start", () => {
    const meter = new RateMeter(10_000);
    meter.record(0, 0);
    expect(meter.perSecond()).toBeUndefined();
    meter.record(100 * 1024 * 1024, 10_000); // 10 MiB/s for 10 s
    expect(meter.perSecond()).toBeCloseTo(10 * 1024 * 1024);
    for (let at = 11_000; at <= 30_000; at += 1000) meter.record(100 * 1024 * 1024, at); // then a stall
    expect(meter.perSecond()).toBe(0);
  });

  it("reads as people expect", () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(3 * 1024 ** 3)]).toEqual(["512 B", "1.5 KiB", "3.0 GiB"]);
    expect([formatDuration(0.2), formatDuration(65), formatDuration(3723)]).toEqual(["0:01", "1:05", "1:02:03"]);
  });
});

describe("the live display", () => {
  it("writes nothing at all to a pipe", () => {
    const pipe = new PassThrough();
    let written = 0;
    pipe.on("data", (chunk: Buffer) => {
      written += chunk.length;
    });
    const progress = new TransferProgress(pipe, { verb: "copying", items: "paths", env: UTF8 });
    progress.plan(2, 100);
    progress.itemStarted("/nix/store/00000000000000000000000000000000-a", 100);
    progress.addBytes(100, "/nix/store/00000000000000000000000000000000-a");
    progress.note("a note");
    progress.done();
    expect(progress.live).toBe(false);
    expect(written).toBe(0);
  });

  it("escapes a hostile name, clears itself when stopped, and hands the stream's write back", async () => {
    const terminal = terminalLike(200, 24);
    const hostile = "/nix/store/00000000000000000000000000000000-evil\x1b]0;owned\x07\x9b2J";
    const progress = new TransferProgress(terminal, {
      verb: "copying",
      items: "paths",
      largeBytes: 10,
      env: { ...UTF8, NO_COLOR: "1" },
    });
    progress.plan(1, 100);
    progress.itemStarted(hostile, 100);
    progress.addBytes(40, hostile);
    await until(() => terminal.text().includes("evil"));
    const ownWrite = Object.hasOwn(terminal, "write");
    progress.done();
    const written = terminal.text();
    expect(written).toContain("evil\\x1b]0;owned\\x07\\u009b2J");
    expect(written).not.toContain("\x1b]"); // only the display's own CSI sequences reach the terminal
    expect(written).not.toContain("\x07");
    expect(written).not.toContain("\x9b");
    expect(written.endsWith("\x1b[J")).toBe(true); // the last thing written clears the block
    expect(ownWrite).toBe(true);
    expect(Object.hasOwn(terminal, "write")).toBe(false);
  });

  it("clears its block before anything else is written, and draws it again below", async () => {
    const terminal = terminalLike(80, 24);
    const display = new LiveDisplay(terminal, { render: () => [[{ text: "status" }]], env: UTF8 });
    display.invalidate();
    await until(() => terminal.text().includes("status"));
    terminal.write("narwhal: warning: something\n");
    await until(() => terminal.text().lastIndexOf("status") > terminal.text().indexOf("warning"));
    display.stop();
    const written = terminal.text();
    const warning = written.indexOf("narwhal: warning");
    expect(written.slice(warning - "\r\x1b[1A\x1b[J".length, warning)).toBe("\r\x1b[1A\x1b[J");
  });

  it("lets one display draw on a stream at a time; the second starts once the first has stopped", async () => {
    const terminal = terminalLike(80, 24);
    const first = new LiveDisplay(terminal, { render: () => [[{ text: "first" }]], env: UTF8 });
    const second = new LiveDisplay(terminal, { render: () => [[{ text: "second" }]], env: UTF8 });
    first.invalidate();
    second.invalidate();
    await until(() => terminal.text().includes("first"));
    first.stop();
    expect(terminal.text()).not.toContain("second");
    expect(Object.hasOwn(terminal, "write")).toBe(false);
    second.invalidate();
    await until(() => terminal.text().includes("second"));
    second.stop();
    expect(Object.hasOwn(terminal, "write")).toBe(false);
  });
});

/** Polls `done` until it holds (the display draws on a timer). */
async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
