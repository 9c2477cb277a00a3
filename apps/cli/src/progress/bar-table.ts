// Lays out progress rows as aligned columns: a label, a bar, then fields (percent, amounts, rate, ETA). Each field
// column is as wide as its widest cell or its minimum, whichever is more, so the layout does not jump as numbers
// grow; the bars share the width the terminal leaves. On a narrow terminal, shrinkable labels (path names) are cut
// first, then field columns go in the order of their `keep` rank, then the bars; the display cuts what is left over.
import { type Segment, type StyledLine, columnsOf, fitLine, lineColumns } from "./styled-line.js";

export interface BarRow {
  readonly label: StyledLine;
  /** The label may be cut to make room (a path name); a row's own label otherwise stays whole. */
  readonly shrink?: boolean;
  /** How full the row's bar is, 0..1; a row without one is a note, drawn as its label alone. */
  readonly fraction?: number;
  readonly colour?: "green" | "cyan";
  /** One cell per field column; an undefined cell is left blank (a rate not known yet). */
  readonly fields?: readonly (Segment | undefined)[];
}

export interface FieldColumn {
  readonly minWidth: number;
  readonly align: "left" | "right";
  /** Lower ranks are dropped first when the terminal is narrow; the bars have rank BAR_KEEP. */
  readonly keep: number;
}

export const BAR_KEEP = 4;
const BAR_MIN = 12;
const BAR_MAX = 40;
/** Shrinkable labels keep at least this many columns. */
const LABEL_MIN = 12;

export function layoutBars(
  rows: readonly BarRow[],
  columns: readonly FieldColumn[],
  width: number,
  unicode: boolean,
): StyledLine[] {
  const barRows = rows.filter((row) => row.fraction !== undefined);
  const fixedLabel = Math.max(0, ...barRows.filter((row) => !row.shrink).map((row) => lineColumns(row.label)));
  const shrinkLabel = Math.max(0, ...barRows.filter((row) => row.shrink).map((row) => lineColumns(row.label)));
  const widths = columns.map((column, index) =>
    Math.max(column.minWidth, ...barRows.map((row) => columnsOf(row.fields?.[index]?.text ?? ""))),
  );
  const brackets = unicode ? 0 : 2;
  const visible = new Set(columns.map((_, index) => index));
  const tail = (): number => [...visible].reduce((sum, index) => sum + 2 + widths[index]!, 0);
  const labelFor = (room: number): number => Math.max(fixedLabel, Math.min(shrinkLabel, Math.max(LABEL_MIN, room)));
  const dropLowest = (below: number): boolean => {
    const lowest = [...visible]
      .filter((index) => columns[index]!.keep < below)
      .sort((a, b) => columns[a]!.keep - columns[b]!.keep)[0];
    if (lowest === undefined) return false;
    visible.delete(lowest);
    return true;
  };
  let barWidth = 0;
  let labelWidth = labelFor(width - BAR_MIN - brackets - tail());
  for (;;) {
    labelWidth = labelFor(width - BAR_MIN - brackets - tail());
    const room = width - labelWidth - brackets - tail();
    if (room >= BAR_MIN) {
      barWidth = Math.min(BAR_MAX, room);
      break;
    }
    if (!dropLowest(BAR_KEEP)) break;
  }
  if (barWidth === 0) {
    for (;;) {
      labelWidth = labelFor(width - tail());
      if (labelWidth + tail() <= width || !dropLowest(Number.POSITIVE_INFINITY)) break;
    }
  }
  return rows.map((row) => {
    if (row.fraction === undefined) return row.label;
    const label = fitLine(row.label, labelWidth);
    const line: Segment[] = [...label, { text: " ".repeat(labelWidth - lineColumns(label)) }];
    if (barWidth > 0) line.push({ text: " " }, ...bar(row.fraction, barWidth, unicode, row.colour ?? "green"));
    const cells = [...visible].filter((index) => index < (row.fields?.length ?? 0));
    while (cells.length > 0 && (row.fields?.[cells.at(-1)!]?.text ?? "") === "") cells.pop(); // no trailing blanks
    cells.forEach((index, position) => {
      const cell = row.fields?.[index];
      const text = cell?.text ?? "";
      const pad = " ".repeat(widths[index]! - columnsOf(text));
      const right = columns[index]!.align === "right";
      line.push({ text: position === 0 && barWidth > 0 ? " " : "  " });
      if (right) line.push({ text: pad });
      line.push({ text, style: cell?.style });
      if (!right && position < cells.length - 1) line.push({ text: pad });
    });
    return line;
  });
}

function bar(fraction: number, width: number, unicode: boolean, colour: "green" | "cyan"): Segment[] {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  if (!unicode)
    return [
      { text: "[" },
      { text: "#".repeat(filled), style: colour },
      { text: "-".repeat(width - filled), style: "dim" },
      { text: "]" },
    ];
  return [
    { text: "█".repeat(filled), style: colour },
    { text: "░".repeat(width - filled), style: "dim" },
  ];
}
