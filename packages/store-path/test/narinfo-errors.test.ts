import { describe, expect, it } from "vitest";
import { NarInfoParseError, parseNarInfo } from "../src/index.js";

const LINES = {
  storePath: "StorePath: /nix/store/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d",
  url: "URL: nar/19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247.nar",
  compression: "Compression: none",
  narHash: "NarHash: sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247",
  narSize: "NarSize: 288",
  references: "References: ",
};
const VALID = Object.values(LINES);

/** The valid narinfo with line `index` (0-based) replaced, or a line inserted when `insert` is set. */
function variant(index: number, line: string, insert = false): string {
  const lines = [...VALID];
  lines.splice(index, insert ? 0 : 1, line);
  return `${lines.join("\n")}\n`;
}

function parseError(text: string, source = "cache/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl.narinfo"): NarInfoParseError {
  try {
    parseNarInfo(text, { source });
  } catch (error) {
    expect(error).toBeInstanceOf(NarInfoParseError);
    return error as NarInfoParseError;
  }
  throw new Error(`expected parseNarInfo to refuse:\n${text}`);
}

describe("parseNarInfo errors name the source, the line and the rule", () => {
  it("accepts the unmodified base text", () => {
    expect(parseNarInfo(`${VALID.join("\n")}\n`).narSize).toBe(288);
  });

  it.each<[string, string, number, RegExp]>([
    ["a line without ':'", variant(2, "Compression none"), 3, /line has no ':'/],
    ["an empty line", variant(2, "", true), 3, /line has no ':'/],
    ["no space after the colon", variant(2, "Compression:none"), 3, /expected ": " after key "Compression"/],
    ["a bad StorePath", variant(0, "StorePath: /nix/store/short-d"), 1, /bad StorePath: .*at least 33 characters/],
    [
      "a StorePath in another store",
      variant(0, "StorePath: /opt/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d"),
      1,
      /must start with the store directory/,
    ],
    ["a bad NarHash", variant(3, "NarHash: sha256:zzz"), 4, /bad NarHash: .*52 nix32/],
    [
      "a NarHash without algorithm",
      variant(3, "NarHash: 19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247"),
      4,
      /bad NarHash: .*no algorithm/,
    ],
    ["a bad FileHash", variant(3, "FileHash: md5:00", true), 4, /bad FileHash/],
    ["a negative NarSize", variant(4, "NarSize: -1"), 5, /NarSize must be a non-negative decimal integer/],
    ["a NarSize with junk", variant(4, "NarSize: 12abc"), 5, /non-negative decimal integer/],
    ["an empty NarSize", variant(4, "NarSize: "), 5, /non-negative decimal integer/],
    ["a NarSize above 2^53", variant(4, "NarSize: 9007199254740993"), 5, /exceeds 9007199254740991/],
    ["a bad FileSize", variant(4, "FileSize: 1e3", true), 5, /FileSize must be a non-negative decimal integer/],
    ["a bad reference", variant(5, "References: qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d ../etc"), 6, /bad reference/],
    [
      "a References line after one that listed references",
      `${VALID.join("\n")}\nReferences: qhr2hq2mkiszwi1xg99cl89vw8xsx3yl-d\nReferences: \n`,
      8,
      /extra References line after one that listed references/,
    ],
    [
      "a duplicate CA line",
      `${VALID.join("\n")}\nCA: fixed:r:sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247\nCA: fixed:sha256:19l59z9nbs59axnhw6iqsz5bdagqb22kf0dp2zhkiq5m4b6k5247\n`,
      8,
      /extra CA line after one that gave a content address/,
    ],
    ["a bad CA", variant(6, "CA: fixed:r:sha256", true), 7, /bad CA/],
    ["a bad Deriver", variant(6, "Deriver: ", true), 7, /bad Deriver/],
    ["an empty Sig", variant(6, "Sig: ", true), 7, /bad Sig: expected "<key name>:<base64 signature>"/],
    [
      "a Sig without key name",
      variant(6, "Sig: :AAAA", true),
      7,
      /bad Sig: expected "<key name>:<base64 signature>" with a non-empty key name/,
    ],
    ["a Sig without signature", variant(6, "Sig: cache-1:", true), 7, /bad Sig: signature is empty/],
    ["a Sig that is not base64", variant(6, "Sig: cache-1:AA*A", true), 7, /bad Sig: signature has character "\*"/],
    [
      "an unknown Compression",
      variant(2, "Compression: lzma2"),
      3,
      /invalid Compression "lzma2"; Nix knows none, br, bzip2/,
    ],
    [
      "a bare 'Key:' (Nix would read the next line as its value)",
      variant(5, "References:"),
      6,
      /expected ": " after key "References"/,
    ],
    ["a CRLF line ending", `${VALID.join("\r\n")}\r\n`, 1, /bad StorePath/],
  ])("%s", (_label, text, line, rule) => {
    const error = parseError(text);
    expect(error.code).toBe("ERR_NARINFO_PARSE");
    expect(error.line).toBe(line);
    expect(error.source).toBe("cache/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl.narinfo");
    expect(error.message).toMatch(rule);
    expect(error.message).toContain(`cache/qhr2hq2mkiszwi1xg99cl89vw8xsx3yl.narinfo:${line}`);
  });

  it.each<[string, number]>([
    ["StorePath", 0],
    ["URL", 1],
    ["NarHash", 3],
    ["NarSize", 4],
  ])("reports a missing %s for the whole file", (field, index) => {
    const lines = [...VALID];
    lines.splice(index, 1);
    const error = parseError(`${lines.join("\n")}\n`);
    expect(error.line).toBe(0);
    expect(error.message).toMatch(`required field ${field} is missing`);
  });

  it.each<[string, string, RegExp]>([
    ["an empty URL", variant(1, "URL: "), /required field URL is missing or empty/],
    ["NarSize 0", variant(4, "NarSize: 0"), /required field NarSize is missing or 0/],
  ])("reports %s for the whole file, as Nix checks it after the last line", (_label, text, rule) => {
    const error = parseError(text);
    expect(error.line).toBe(0);
    expect(error.message).toMatch(rule);
  });

  it("refuses a last line without '\\n', as Nix does (expecting '\\n')", () => {
    const error = parseError(VALID.join("\n"));
    expect(error.line).toBe(6);
    expect(error.message).toMatch(/the last line must end with '\\n'/);
  });

  it("refuses a StorePath whose hash part differs from the requested one", () => {
    expect(() =>
      parseNarInfo(`${VALID.join("\n")}\n`, { expectedHashPart: "00000000000000000000000000000000", source: "k" }),
    ).toThrow(/k:1: StorePath hash part qhr2hq2mkiszwi1xg99cl89vw8xsx3yl does not match the requested 0{32}/);
  });

  it("defaults the source to 'narinfo'", () => {
    expect(() => parseNarInfo("garbage\n")).toThrow(/invalid narinfo narinfo:1: line has no ':'/);
  });

  it("keeps the underlying error as the cause", () => {
    const error = parseError(variant(3, "NarHash: sha256:zzz"));
    expect((error.cause as { code?: string }).code).toBe("ERR_HASH");
  });
});
