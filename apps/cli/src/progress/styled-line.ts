// A line of the progress display as styled segments: measured in terminal columns, cut to fit a width, and
// painted with SGR colours only when colour is on. Text is measured after escaping, so it holds no controls.

export type Style = "bold" | "dim" | "green" | "cyan" | "red";

export interface Segment {
  readonly text: string;
  readonly style?: Style | undefined;
}

export type StyledLine = readonly Segment[];

const SGR: Record<Style, string> = { bold: "1", dim: "2", green: "32", cyan: "36", red: "31" };

/** The block and box characters the bars use, and the ellipsis: one column in the terminals this display targets. */
const NARROW = /^[\u2026\u2500-\u259f]$/u;

/**
 * Columns `text` takes. ASCII is one column each; any other character but the display's own glyphs counts as two,
 * an overestimate for most, so that a line never wraps (a wrapped line would break the in-place redraw).
 */
export function columnsOf(text: string): number {
  let columns = 0;
  for (const char of text) columns += char.charCodeAt(0) < 0x80 || NARROW.test(char) ? 1 : 2;
  return columns;
}

export function lineColumns(line: StyledLine): number {
  return line.reduce((sum, segment) => sum + columnsOf(segment.text), 0);
}

/** `line` cut to at most `width` columns; a cut segment ends in '…'. */
export function fitLine(line: StyledLine, width: number): StyledLine {
  if (lineColumns(line) <= width) return line;
  const fitted: Segment[] = [];
  let left = width - 1; // room for the ellipsis
  for (const segment of line) {
    const columns = columnsOf(segment.text);
    if (columns <= left) {
      fitted.push(segment);
      left -= columns;
      continue;
    }
    let kept = "";
    for (const char of segment.text) {
      const next = columnsOf(char);
      if (next > left) break;
      kept += char;
      left -= next;
    }
    if (width >= 1) fitted.push({ text: `${kept}…`, style: segment.style });
    break;
  }
  return fitted;
}

/** The line as terminal text: SGR-wrapped segments when `colour`, plain text otherwise. */
export function paintLine(line: StyledLine, colour: boolean): string {
  return line
    .map(({ text, style }) =>
      colour && style !== undefined && text !== "" ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text,
    )
    .join("");
}
