// The progress display of a transfer (a copy to a cache or into a local store, a fetch, a verify): an overall bar
// with items done/total, bytes, rate and ETA, and a bar for each large NAR in flight. Drawn only on a terminal
// that can redraw (terminal-capabilities.ts); on a pipe every call costs next to nothing and prints nothing.
import { formatBytesOf, formatDuration, formatRate } from "./byte-units.js";
import { LiveDisplay } from "./live-display.js";
import { RateMeter } from "./rate-meter.js";
import { escapeForTerminal } from "../terminal-text.js";
import { type BarRow, type FieldColumn, layoutBars } from "./bar-table.js";
import { type Segment, type StyledLine, columnsOf } from "./styled-line.js";

export interface TransferProgressOptions {
  /** What is being done, e.g. "copying". */
  readonly verb: string;
  /** What is counted, in the plural, e.g. "paths"; without it no count is shown (a fetch of one path). */
  readonly items?: string;
  /** What the work is on, shown after the verb (a store path shows as its name). */
  readonly subject?: string;
  /** Shown (with the time so far) until plan() is called, e.g. "checking what the destination has". */
  readonly preparing?: string;
  /** NARs at least this large get a bar of their own while in flight (default 8 MiB). */
  readonly largeBytes?: number;
  /** Per-item bars shown at most (default 4); the rest are counted on one line. */
  readonly maxItemBars?: number;
  /** Environment for NO_COLOR, FORCE_COLOR, TERM and the locale (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface TransferCounts {
  readonly itemsDone: number;
  readonly itemsTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal?: number;
}

interface InFlight {
  readonly size: number;
  done: number;
}

/** Widest name shown in a per-item row; longer ones are cut. */
const NAME_MAX = 40;

export class TransferProgress {
  readonly #display: LiveDisplay;
  readonly #verb: string;
  readonly #items: string | undefined;
  readonly #subject: string | undefined;
  readonly #preparing: string;
  readonly #largeBytes: number;
  readonly #maxItemBars: number;
  readonly #started = performance.now();
  readonly #meter = new RateMeter();
  readonly #inFlight = new Map<string, InFlight>();
  #planned = false;
  #itemsTotal = 0;
  #itemsDone = 0;
  #itemsFailed = 0;
  #bytesTotal: number | undefined;
  #bytesDone = 0;
  /** The rate meter has its first sample, taken just before the first progress. */
  #sampling = false;

  constructor(stream: NodeJS.WritableStream, options: TransferProgressOptions) {
    this.#verb = options.verb;
    this.#items = options.items;
    this.#subject = options.subject === undefined ? undefined : shortName(options.subject);
    this.#preparing = options.preparing ?? "starting";
    this.#largeBytes = options.largeBytes ?? 8 * 1024 * 1024;
    this.#maxItemBars = options.maxItemBars ?? 4;
    this.#display = new LiveDisplay(stream, {
      render: (columns) => this.#lines(columns),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    this.#display.invalidate(); // shows the preparing line while nothing else is known
  }

  /** True when anything is drawn (stderr is a terminal that can redraw). */
  get live(): boolean {
    return this.#display.live;
  }

  /** The work ahead: `items` to do, of `bytes` in all when that is known. */
  plan(items: number, bytes?: number): void {
    this.#planned = true;
    this.#itemsTotal = items;
    this.#bytesTotal = bytes;
    this.#display.invalidate();
  }

  /** An item of `size` bytes is in flight (it gets a bar of its own when large). */
  itemStarted(name: string, size: number): void {
    this.#inFlight.set(name, { size, done: 0 });
    this.#display.invalidate();
  }

  /** `bytes` more were transferred (of item `name`, when given). */
  addBytes(bytes: number, name?: string): void {
    if (this.#bytesTotal !== undefined) this.#firstSample(this.#bytesDone);
    this.#bytesDone += bytes;
    if (name !== undefined) {
      const item = this.#inFlight.get(name);
      if (item !== undefined) item.done += bytes;
    }
    this.#display.invalidate();
  }

  /** The item's transfer is over (its bar goes); it is counted by itemDone or itemFailed. */
  itemEnded(name: string): void {
    this.#inFlight.delete(name);
    this.#display.invalidate();
  }

  itemDone(): void {
    if (this.#bytesTotal === undefined) this.#firstSample(this.#itemsDone);
    this.#itemsDone++;
    this.#display.invalidate();
  }

  itemFailed(name?: string): void {
    if (name !== undefined) this.#inFlight.delete(name);
    this.#itemsFailed++;
    this.#display.invalidate();
  }

  /** For work that reports running totals instead of events (a copy into a local store, a verify). */
  setCounts(counts: TransferCounts): void {
    const [before, after] =
      counts.bytesTotal === undefined ? [this.#itemsDone, counts.itemsDone] : [this.#bytesDone, counts.bytesDone];
    if (after > before) this.#firstSample(before);
    this.#planned = true;
    this.#itemsDone = counts.itemsDone;
    this.#itemsTotal = counts.itemsTotal;
    this.#bytesDone = counts.bytesDone;
    this.#bytesTotal = counts.bytesTotal;
    this.#display.invalidate();
  }

  /** A line printed above the display (only on a terminal; e.g. "aborted 2 leftover uploads"). */
  note(text: string): void {
    this.#display.log(text);
  }

  /** Clears the display; call it before printing the summary, and in a finally (it may be called again). */
  done(): void {
    this.#display.stop();
  }

  /** Starts the rate meter at the moment progress begins, so the first burst counts and earlier waiting does not. */
  #firstSample(unitsBefore: number): void {
    if (this.#sampling) return;
    this.#sampling = true;
    this.#meter.record(unitsBefore, performance.now());
  }

  #lines(columns: number): StyledLine[] {
    const now = performance.now();
    const width = columns - 1;
    const subject: Segment[] = this.#subject === undefined ? [] : [{ text: ` ${this.#subject}` }];
    if (!this.#planned) {
      const seconds = Math.floor((now - this.#started) / 1000);
      return [
        [
          { text: this.#verb, style: "bold" },
          ...subject,
          { text: `: ${this.#preparing}…` },
          { text: seconds > 0 ? ` ${seconds} s` : "", style: "dim" },
        ],
      ];
    }
    const tracksBytes = this.#bytesTotal !== undefined;
    const done = tracksBytes ? this.#bytesDone : this.#itemsDone;
    const total = tracksBytes ? (this.#bytesTotal ?? 0) : this.#itemsTotal;
    if (this.#sampling) this.#meter.record(done, now);
    const rate = this.#meter.perSecond();
    const count = `${String(this.#itemsDone).padStart(String(this.#itemsTotal).length)}/${this.#itemsTotal}`;
    const head: Segment[] = [
      { text: this.#verb, style: "bold" },
      ...subject,
      ...(this.#items === undefined ? [] : [{ text: ` ${count} ${this.#items}` }]),
      ...(this.#itemsFailed > 0 ? [{ text: `, ${this.#itemsFailed} failed`, style: "red" as const }] : []),
    ];
    const overall: BarRow = {
      label: head,
      fraction: fractionOf(done, total),
      colour: "green",
      fields: [
        percent(fractionOf(done, total)),
        tracksBytes ? { text: formatBytesOf(this.#bytesDone, total) } : undefined,
        rate === undefined
          ? undefined
          : {
              text: tracksBytes ? formatRate(rate) : `${rate.toFixed(rate < 10 ? 1 : 0)} ${this.#items ?? ""}/s`,
              style: "dim",
            },
        rate === undefined
          ? undefined
          : { text: `ETA ${rate > 0 ? formatDuration((total - done) / rate) : "--:--"}`, style: "dim" },
      ],
    };
    return layoutBars([overall, ...this.#itemRows()], FIELDS, width, this.#display.capabilities.unicode);
  }

  #itemRows(): BarRow[] {
    const large = [...this.#inFlight].filter(([, item]) => item.size >= this.#largeBytes);
    large.sort(([, a], [, b]) => b.size - a.size);
    const rows: BarRow[] = large.slice(0, this.#maxItemBars).map(([name, item]) => ({
      label: [{ text: `  ${truncate(shortName(name), NAME_MAX)}` }],
      shrink: true,
      fraction: fractionOf(item.done, item.size),
      colour: "cyan",
      fields: [percent(fractionOf(item.done, item.size)), { text: formatBytesOf(item.done, item.size) }],
    }));
    if (large.length > rows.length)
      rows.push({ label: [{ text: `  + ${large.length - rows.length} more in flight`, style: "dim" }] });
    return rows;
  }
}

/** Percent, amount, rate, ETA: minimum widths that keep the columns still while a transfer runs. */
const FIELDS: readonly FieldColumn[] = [
  { minWidth: 4, align: "right", keep: 1 },
  { minWidth: 14, align: "right", keep: 5 },
  { minWidth: 11, align: "right", keep: 2 },
  { minWidth: 9, align: "left", keep: 3 },
];

function percent(fraction: number): Segment {
  return { text: `${Math.floor(fraction * 100)}%` };
}

function truncate(text: string, columns: number): string {
  if (columnsOf(text) <= columns) return text;
  let kept = "";
  for (const char of text) {
    if (columnsOf(kept + char) > columns - 1) break;
    kept += char;
  }
  return `${kept}…`;
}

/** The name part of a store path (`/nix/store/<hash>-hello-2.12` → `hello-2.12`), escaped so it can be measured. */
function shortName(path: string): string {
  const match = /\/[0-9a-df-np-sv-z]{32}-([^/]+)$/.exec(path);
  return escapeForTerminal(match === null ? path : match[1]!);
}

function fractionOf(done: number, total: number): number {
  return total > 0 ? Math.min(1, done / total) : 1;
}
