// Turns copy events into the `narwhal copy` / `store add` status line on a terminal (bytes, paths done/total,
// rate, ETA, the largest NAR in flight) and collects nothing else; silent when stderr is not a terminal.
import type { CopyEvent, CopyReporter } from "@narwhal/engine";
import { ProgressLine } from "../progress-line.js";

const REDRAW_EVERY_MS = 200;
const LARGE_NAR = 64 * 1024 * 1024;

export class CopyProgress {
  readonly #line: ProgressLine;
  readonly #started = performance.now();
  readonly #inFlight = new Map<string, { size: number; done: number }>();
  #total = 0;
  #bytesTotal = 0;
  #bytes = 0;
  #done = 0;
  #failed = 0;
  #lastDraw = 0;

  constructor(stderr: NodeJS.WritableStream) {
    this.#line = new ProgressLine(stderr);
  }

  readonly reporter: CopyReporter = (event) => this.#on(event);

  #on(event: CopyEvent): void {
    switch (event.type) {
      case "planned":
        this.#total = event.toCopy;
        this.#bytesTotal = event.bytesToCopy;
        break;
      case "path-started":
        this.#inFlight.set(event.path, { size: event.narSize, done: 0 });
        break;
      case "bytes": {
        this.#bytes += event.bytes;
        const entry = this.#inFlight.get(event.path);
        if (entry !== undefined) entry.done += event.bytes;
        break;
      }
      case "path-uploaded":
        this.#inFlight.delete(event.path);
        break;
      case "path-finished":
        this.#done++;
        break;
      case "path-failed":
        this.#inFlight.delete(event.path);
        this.#failed++;
        break;
      default:
        return;
    }
    this.#draw();
  }

  #draw(): void {
    if (!this.#line.enabled) return;
    const now = performance.now();
    if (now - this.#lastDraw < REDRAW_EVERY_MS) return;
    this.#lastDraw = now;
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? this.#bytes / seconds : 0;
    const eta = rate > 0 ? Math.max(0, (this.#bytesTotal - this.#bytes) / rate) : undefined;
    const failed = this.#failed > 0 ? `, ${this.#failed} failed` : "";
    let largest: { path: string; size: number; done: number } | undefined;
    for (const [path, entry] of this.#inFlight) {
      if (entry.size >= LARGE_NAR && entry.size > (largest?.size ?? 0)) largest = { path, ...entry };
    }
    const nar =
      largest === undefined
        ? ""
        : ` | ${largest.path.slice(largest.path.lastIndexOf("/") + 34)} ${bar(largest.done / largest.size)}`;
    this.#line.update(
      `copying ${this.#done}/${this.#total} paths${failed}, ${mib(this.#bytes)}/${mib(this.#bytesTotal)}, ${mib(rate)}/s` +
        `${eta === undefined ? "" : `, ETA ${Math.ceil(eta)} s`}${nar}`,
    );
  }

  done(): void {
    this.#line.done();
  }
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function bar(fraction: number): string {
  const width = 10;
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}
