// The copy progress display in a real terminal (tmux), read off the screen: the overall bar with counts, bytes,
// rate and ETA and a bar for the large NAR in flight, both copy directions, colours only without NO_COLOR, lines
// that never wrap, no escape codes as text, and a screen left with only the summary. A source cache served over
// HTTP holds back the second half of the large NAR until the test has read the screen, so the display is seen
// mid-copy without timing luck. Piped, a copy prints nothing on stderr and only JSON on stdout.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClosure, hasNixStore } from "./copy-support.js";
import { NARWHAL, narwhal } from "./run-narwhal.js";
import { TmuxPane, hasTmux } from "./tmux-pane.js";
import { removeTempDirs, tempDir } from "@narwhal/cache-fixtures";

const PAYLOAD_BYTES = 24 * 1024 * 1024; // above the 8 MiB from which a NAR gets its own bar
const COLUMNS = 100;
const ROWS = 20;
/** SGR sequences as capture-pane -e writes them, and their remains if one were ever printed as text. */
const SGR = /\x1b\[[0-9;]*m/;
const SGR_AS_TEXT = /\[[0-9;]+m/;

interface HeldBackServer {
  readonly url: string;
  /** Sends the rest of the held-back NAR (and lets later requests for it through at once). */
  release(): void;
  close(): Promise<void>;
}

/** Serves a cache directory over HTTP; the largest file under nar/ stops after its first half until release(). */
async function serveHoldingBack(dir: string): Promise<HeldBackServer> {
  const nars = readdirSync(join(dir, "nar")).map((name) => ({ name, size: statSync(join(dir, "nar", name)).size }));
  const held = `nar/${nars.sort((a, b) => b.size - a.size)[0]!.name}`;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server: Server = createServer((request, response) => {
    const key = decodeURIComponent((request.url ?? "/").slice(1).split("?")[0]!);
    readFile(join(dir, key)).then(
      async (bytes) => {
        response.writeHead(200, { "content-length": bytes.length });
        if (request.method === "HEAD") return void response.end();
        if (key !== held) return void response.end(bytes);
        const half = Math.floor(bytes.length / 2);
        response.write(bytes.subarray(0, half));
        await released;
        response.end(bytes.subarray(half));
      },
      () => void response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every line of the screen fits the pane (capture-pane -J joins a wrapped line, so it would be longer). */
function expectLinesFit(screen: string): void {
  for (const line of screen.split("\n")) expect([...line].length, line).toBeLessThan(COLUMNS);
}

function expectNoEscapesAsText(screen: string): void {
  expect(screen).not.toContain("\x1b");
  expect(screen).not.toMatch(SGR_AS_TEXT);
}

describe.skipIf(!hasNixStore || !hasTmux)("the copy progress display in a real terminal", () => {
  let roots: string[];
  let closure: string[];
  let sourceDir: string;

  beforeAll(async () => {
    ({ roots, closure } = buildClosure(`progress-${process.pid}`, PAYLOAD_BYTES));
    sourceDir = tempDir("progress-source");
    const seeded = await narwhal(["copy", "--to", `file://${sourceDir}?compression=none`, ...roots]);
    expect(seeded.status, seeded.stderr).toBe(0);
  });
  afterAll(removeTempDirs);

  it("copies from the local store into a file:// cache and leaves only the summary on the screen", async () => {
    const cache = tempDir("progress-local-to-file");
    const pane = TmuxPane.start(
      [process.execPath, NARWHAL, "copy", "--to", `file://${cache}?compression=zstd`, ...roots],
      { columns: COLUMNS, rows: ROWS },
    );
    try {
      expect(await pane.exited(), pane.capture()).toBe(0);
      const screen = pane.capture();
      expect(screen).toMatch(
        new RegExp(`^copied ${closure.length} paths \\([0-9.]+ MiB\\) in [0-9.]+ s, skipped 0, failed 0$`, "m"),
      );
      expect(screen).not.toMatch(/[█░]|copying/); // the display is cleared, not left behind
      expectNoEscapesAsText(screen);
    } finally {
      pane.close();
    }
  });

  it("shows the overall bar and the large NAR's bar mid-copy from a cache into a file:// cache, in colour", async () => {
    const server = await serveHoldingBack(sourceDir);
    const cache = tempDir("progress-http-to-file");
    const pane = TmuxPane.start(
      [
        process.execPath,
        NARWHAL,
        "copy",
        "--from",
        server.url,
        "--no-require-sigs",
        "--to",
        `file://${cache}?compression=zstd`,
        ...roots,
      ],
      { columns: COLUMNS, rows: ROWS },
    );
    try {
      const overall = new RegExp(`^copying +\\d+/${closure.length} paths +[█░]+ +\\d+% +[0-9.]+/[0-9.]+ MiB`, "m");
      // the name may be cut (…) to leave the bars room
      const item = /^ {2}narwhal-copy-payload-\S* +[█░]+ +(4[0-9]|50)% +[0-9.]+\/24\.0 MiB$/m;
      // the rate and ETA need a second of samples; the held-back NAR keeps the copy running until then
      const screen = await pane.waitFor(
        (text) => overall.test(text) && item.test(text) && /MiB\/s +ETA \d+:\d\d/.test(text),
        "the overall bar with rate and ETA, and the payload's bar at half",
      );
      expectLinesFit(screen);
      expectNoEscapesAsText(screen);
      const coloured = pane.capture(true);
      expect(coloured).toContain("\x1b[32m"); // the overall bar's green
      expect(coloured).toContain("\x1b[36m"); // the payload bar's cyan
      server.release();
      expect(await pane.exited(), pane.capture()).toBe(0);
      const end = pane.capture();
      expect(end).toMatch(new RegExp(`^copied ${closure.length} paths \\(`, "m"));
      expect(end).not.toMatch(/[█░]|copying/);
      expectNoEscapesAsText(end);
    } finally {
      server.release();
      pane.close();
      await server.close();
    }
  });

  it("draws no colour under NO_COLOR, and with stdout redirected the file holds only the JSON", async () => {
    const server = await serveHoldingBack(sourceDir);
    const cache = tempDir("progress-no-color");
    const json = join(tempDir("progress-json"), "summary.json");
    const pane = TmuxPane.start(
      [
        process.execPath,
        NARWHAL,
        "copy",
        "--json",
        "--from",
        server.url,
        "--no-require-sigs",
        "--to",
        `file://${cache}?compression=zstd`,
        ...roots,
      ],
      { columns: COLUMNS, rows: ROWS, env: { NO_COLOR: "1" }, stdoutTo: json },
    );
    try {
      await pane.waitFor((text) => /^ {2}.*payload.* [█░]+ /m.test(text), "the payload's bar");
      const plain = pane.capture(true);
      expect(plain).toMatch(/^copying +\d+\/\d+ paths +[█░]+/m);
      expect(plain).not.toMatch(SGR);
      server.release();
      expect(await pane.exited(), pane.capture()).toBe(0);
      const end = pane.capture();
      expect(end).not.toMatch(/[█░]|copying|copied/); // --json: no human summary, and the display is cleared
      const summary = readFileSync(json, "utf8");
      expect(summary).not.toContain("\x1b");
      expect(JSON.parse(summary)).toMatchObject({ copied: closure.length, failed: [] });
    } finally {
      server.release();
      pane.close();
      await server.close();
    }
  });

  it("shows the overall bar while copying from a cache into a local store (local?root=)", async () => {
    const server = await serveHoldingBack(sourceDir);
    const root = tempDir("progress-local-root");
    const pane = TmuxPane.start(
      [
        process.execPath,
        NARWHAL,
        "copy",
        "--from",
        server.url,
        "--no-require-sigs",
        "--to",
        `local?root=${root}`,
        ...roots,
      ],
      { columns: COLUMNS, rows: ROWS },
    );
    try {
      const screen = await pane.waitFor(
        (text) =>
          new RegExp(`^copying +\\d+/${closure.length} paths +[█░]+ +\\d+% +[0-9.]+/[0-9.]+ MiB`, "m").test(text),
        "the overall bar",
      );
      expectLinesFit(screen);
      expectNoEscapesAsText(screen);
      server.release();
      expect(await pane.exited(), pane.capture()).toBe(0);
      const end = pane.capture();
      expect(end).toMatch(new RegExp(`^copied ${closure.length} paths \\([0-9.]+ MiB NAR\\) in [0-9.]+ s$`, "m"));
      expect(end).not.toMatch(/[█░]|copying/);
    } finally {
      server.release();
      pane.close();
      await server.close();
    }
  });

  it("clears the display when Ctrl-C stops a copy, in both directions", async () => {
    for (const to of ["file://", "local?root="]) {
      const server = await serveHoldingBack(sourceDir);
      const into = tempDir("progress-interrupted");
      const url = to === "file://" ? `file://${into}?compression=zstd` : `local?root=${into}`;
      const pane = TmuxPane.start(
        [process.execPath, NARWHAL, "copy", "--from", server.url, "--no-require-sigs", "--to", url, ...roots],
        { columns: COLUMNS, rows: ROWS },
      );
      try {
        await pane.waitFor((text) => /^copying +\d+\/\d+ paths +[█░]+/m.test(text), `the bar copying to ${to}`);
        pane.sendKeys("C-c");
        expect(await pane.exited(), pane.capture()).toBe(130);
        const end = pane.capture();
        expect(end).not.toMatch(/[█░]|copying \d/);
        expectNoEscapesAsText(end);
      } finally {
        server.release();
        pane.close();
        await server.close();
      }
    }
  });

  it("prints nothing on a piped stderr and only the JSON summary on a piped stdout", async () => {
    const cache = tempDir("progress-piped");
    const piped = await narwhal(["copy", "--json", "--to", `file://${cache}?compression=zstd`, ...roots]);
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe("");
    const out = piped.stdout.toString();
    expect(out).not.toContain("\x1b");
    expect(out.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(out)).toMatchObject({ copied: closure.length, failed: [] });
  });
});
