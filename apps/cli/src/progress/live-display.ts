// Redraws a block of lines in place at the bottom of a terminal, at most every `intervalMs`: each frame is one
// write that moves up over the previous frame, rewrites its lines and clears what is left below. Lines are escaped,
// kept narrower than the terminal (a wrapped line would break the next move up) and no taller than it. Anything
// else written to the stream meanwhile (a warning) first clears the block, and the block is drawn again below it.
// The block is cleared when the display stops, when the process exits, and on SIGINT/SIGTERM. One display draws
// on a stream at a time.
import { escapeForTerminal } from "../terminal-text.js";
import { type StyledLine, fitLine, lineColumns, paintLine } from "./styled-line.js";
import { type TerminalCapabilities, terminalCapabilities } from "./terminal-capabilities.js";

export interface LiveDisplayOptions {
  /** The block for a terminal `columns` wide; called on each redraw. Segment text is escaped by the display. */
  readonly render: (columns: number) => StyledLine[];
  /** Least time between two redraws (default 100 ms). */
  readonly intervalMs?: number;
  /** Environment to read NO_COLOR, FORCE_COLOR, TERM and the locale from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Even with nothing new, redraw this often: rates, ETAs and elapsed times change by themselves. */
const REFRESH_MS = 1_000;
const HANDLED_SIGNALS = ["SIGINT", "SIGTERM"] as const;

type Write = NodeJS.WriteStream["write"];

/** Streams a display is drawing on: one at a time per stream (a second waits, silent, until the first stops). */
const drawing = new WeakSet<object>();

export class LiveDisplay {
  readonly capabilities: TerminalCapabilities;
  readonly #stream: NodeJS.WriteStream;
  readonly #render: (columns: number) => StyledLine[];
  readonly #intervalMs: number;
  #state: "idle" | "running" | "stopped" = "idle";
  #timer: NodeJS.Timeout | undefined;
  #write: Write | undefined;
  #ownWrite: PropertyDescriptor | undefined;
  /** Widths of the lines on screen now, and the width of the terminal they were drawn for. */
  #drawn: number[] = [];
  #drawnColumns = 0;
  #frame = "";
  #dirty = false;
  #lastDraw = 0;
  /** Something else wrote a line without ending it: the next frame starts on a new line. */
  #midLine = false;

  constructor(stream: NodeJS.WritableStream, options: LiveDisplayOptions) {
    this.#stream = stream as NodeJS.WriteStream;
    this.capabilities = terminalCapabilities(stream, options.env);
    this.#render = options.render;
    this.#intervalMs = options.intervalMs ?? 100;
  }

  /** True when the display draws anything (the stream is a terminal that can redraw). */
  get live(): boolean {
    return this.capabilities.live && this.#state !== "stopped";
  }

  /** Marks the block as changed; it is redrawn at the next tick (the first call starts the display). */
  invalidate(): void {
    if (!this.capabilities.live || this.#state === "stopped") return;
    this.#dirty = true;
    if (this.#state === "idle" && !drawing.has(this.#stream)) this.#start();
  }

  /** Prints `text` (escaped) as a line above the block. */
  log(text: string): void {
    if (!this.live) return;
    this.#stream.write(`${escapeForTerminal(text)}\n`); // goes through the foreign-write path: block cleared first
  }

  /** Clears the block for good and gives the stream back; later calls do nothing. */
  stop(): void {
    if (this.#state === "stopped") return;
    const wasRunning = this.#state === "running";
    this.#state = "stopped";
    if (!wasRunning) return;
    clearInterval(this.#timer);
    drawing.delete(this.#stream);
    process.off("exit", this.#onExit);
    for (const signal of HANDLED_SIGNALS) process.off(signal, this.#onSignal);
    this.#stream.off("resize", this.#onResize);
    if (this.#ownWrite === undefined) delete (this.#stream as { write?: Write }).write;
    else Object.defineProperty(this.#stream, "write", this.#ownWrite);
    this.#clearBlock();
  }

  #start(): void {
    this.#state = "running";
    drawing.add(this.#stream);
    this.#write = this.#stream.write;
    this.#ownWrite = Object.getOwnPropertyDescriptor(this.#stream, "write");
    const original = this.#write as (...args: unknown[]) => boolean;
    const stream = this.#stream;
    // Others' writes (warnings, logs) clear the block first; the next tick draws it again below them.
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      this.#clearBlock();
      if (typeof chunk === "string" && chunk.length > 0) this.#midLine = !chunk.endsWith("\n");
      else if (chunk instanceof Uint8Array && chunk.length > 0) this.#midLine = chunk.at(-1) !== 0x0a;
      this.#dirty = true;
      return original.call(stream, chunk, ...rest);
    }) as Write;
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
    process.on("exit", this.#onExit);
    for (const signal of HANDLED_SIGNALS) process.once(signal, this.#onSignal);
    stream.on("resize", this.#onResize);
  }

  #tick(): void {
    if (this.#dirty || performance.now() - this.#lastDraw >= REFRESH_MS) this.#draw();
  }

  #draw(): void {
    this.#dirty = false;
    this.#lastDraw = performance.now();
    const columns = Math.max(10, this.#stream.columns || 80);
    const height = Math.max(1, (this.#stream.rows || 24) - 1);
    const lines = this.#render(columns)
      .slice(0, height)
      .map((line) =>
        fitLine(
          line.map((segment) => ({ text: escapeForTerminal(segment.text), style: segment.style })),
          columns - 1, // never the last column: some terminals wrap as soon as it is written
        ),
      );
    const frame = lines.map((line) => `${paintLine(line, this.capabilities.colour)}\x1b[K\n`).join("");
    if (frame === this.#frame && columns === this.#drawnColumns && !this.#midLine) return;
    const start = this.#midLine ? "\n" : this.#moveToBlock();
    this.#midLine = false;
    this.#rawWrite(`${start}${frame}\x1b[J`);
    this.#frame = frame;
    this.#drawn = lines.map(lineColumns);
    this.#drawnColumns = columns;
  }

  /** From just below the block to its first line; empty when there is no block. */
  #moveToBlock(): string {
    const columns = Math.max(10, this.#stream.columns || 80);
    // After a resize to fewer columns, terminals that reflow (tmux, VTE, kitty, iTerm2) wrap the old lines.
    const rows =
      columns >= this.#drawnColumns
        ? this.#drawn.length
        : this.#drawn.reduce((sum, width) => sum + Math.max(1, Math.ceil(width / columns)), 0);
    return rows === 0 ? "\r" : `\r\x1b[${rows}A`;
  }

  #clearBlock(): void {
    if (this.#drawn.length === 0) return;
    this.#rawWrite(`${this.#moveToBlock()}\x1b[J`);
    this.#drawn = [];
    this.#frame = "";
  }

  #rawWrite(text: string): void {
    (this.#write ?? this.#stream.write).call(this.#stream, text);
  }

  readonly #onExit = (): void => this.stop();

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.stop();
    // Nobody else handles it: die of the signal as if no handler had been installed (exit status 128 + n).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  readonly #onResize = (): void => this.#draw();
}
