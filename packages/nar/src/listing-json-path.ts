// How a `.ls` parse error names the bad node: a JSON path like root.entries["bin"].entries["x"], with every echoed
// name quoted, control/format characters escaped and long names cut, so hostile names cannot forge log lines.

const LONGEST_SHOWN = 64;

/** `text` in double quotes with quotes, backslashes and invisible or line-breaking characters escaped; long text cut. */
export function quoteForMessage(text: string): string {
  let quoted = "";
  let shown = 0;
  for (const character of text) {
    if (shown === LONGEST_SHOWN) return `"${quoted}"... (${text.length} UTF-16 units)`;
    quoted += escapeCharacter(character);
    shown++;
  }
  return `"${quoted}"`;
}

function escapeCharacter(character: string): string {
  if (character === '"') return '\\"';
  if (character === "\\") return "\\\\";
  if (character === "\n") return "\\n";
  if (character === "\r") return "\\r";
  if (character === "\t") return "\\t";
  const codePoint = character.codePointAt(0)!;
  if (isInvisible(codePoint)) return `\\u${codePoint.toString(16).padStart(4, "0")}`;
  return character;
}

/** C0/C1 controls, DEL, line/paragraph separators, bidi overrides and isolates, zero-width characters, BOM. */
function isInvisible(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x2028 && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069) ||
    codePoint === 0xfeff
  );
}

/** One step down the listing: the root node, a directory's entries object, or one entry of it. */
export type ListingPathStep = { kind: "root" } | { kind: "entries" } | { kind: "entry"; name: string };

/** Render steps as root.entries["a"].entries["b"]; an empty list is the top level of the document. */
export function formatListingPath(steps: readonly ListingPathStep[]): string {
  let path = "";
  for (const step of steps) {
    if (step.kind === "root") path += "root";
    else if (step.kind === "entries") path += ".entries";
    else path += `[${quoteForMessage(step.name)}]`;
  }
  return path;
}
