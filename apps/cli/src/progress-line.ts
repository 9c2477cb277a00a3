// A one-line status for long commands (bench codecs): redrawn in place on a terminal at most ten times a second,
// cut to the terminal's width, silent when stderr is piped. Text in it may come from caches, so it is escaped.
// Transfers with bytes and counts use progress/transfer-progress.ts instead.
import { LiveDisplay } from "./progress/live-display.js";

export class ProgressLine {
  readonly #display: LiveDisplay;
  #text = "";

  constructor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env) {
    this.#display = new LiveDisplay(stream, { render: () => (this.#text === "" ? [] : [[{ text: this.#text }]]), env });
  }

  get enabled(): boolean {
    return this.#display.live;
  }

  update(text: string): void {
    this.#text = text;
    this.#display.invalidate();
  }

  /** Clears the line (it may be called again). */
  done(): void {
    this.#display.stop();
  }
}
