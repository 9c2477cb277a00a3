// A one-line progress display for long commands: redrawn in place on a terminal, silent when stderr is piped.
// Path names in it come from caches, so the line is escaped like every other output.
import { escapeForTerminal } from "./terminal-text.js";

export class ProgressLine {
  readonly #out: NodeJS.WriteStream | undefined;
  #width = 0;

  constructor(stream: NodeJS.WritableStream) {
    this.#out = (stream as NodeJS.WriteStream).isTTY ? (stream as NodeJS.WriteStream) : undefined;
  }

  get enabled(): boolean {
    return this.#out !== undefined;
  }

  update(text: string): void {
    if (!this.#out) return;
    const columns = this.#out.columns || 80;
    const line = text.length >= columns ? `${text.slice(0, columns - 2)}…` : text;
    this.#out.write(`\r${escapeForTerminal(line).padEnd(this.#width)}`);
    this.#width = line.length;
  }

  done(): void {
    if (!this.#out || this.#width === 0) return;
    this.#out.write(`\r${" ".repeat(this.#width)}\r`);
    this.#width = 0;
  }
}
