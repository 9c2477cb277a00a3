// The outputs of a store derivation (.drv file, Nix's ATerm text `Derive([("out","/nix/store/…","",""),…],…)`):
// what a local store records in its DerivationOutputs table when the .drv becomes valid. Only the leading outputs
// list is read; the rest of the derivation is not needed for that.

import { NixFormatError } from "./errors.js";

export interface DerivationOutput {
  /** Output name (`out`, `dev`, …). */
  readonly name: string;
  /** Its store path; "" for an output whose path is only known after building (floating content-addressed). */
  readonly path: string;
  /** `sha256`, `r:sha256`, … for a content-addressed output, else "". */
  readonly hashAlgo: string;
  /** The fixed output's expected hash (base16), else "". */
  readonly hash: string;
}

export class DerivationFormatError extends NixFormatError {
  constructor(input: string, rule: string) {
    super("ERR_DERIVATION", input, rule, `invalid derivation ${input}: ${rule}`);
  }
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"' };

/** The outputs list at the start of a derivation's ATerm text; `where` names the file in errors. */
export function parseDerivationOutputs(text: string, where = "text"): DerivationOutput[] {
  let at = 0;
  const fail = (rule: string): never => {
    throw new DerivationFormatError(where, `${rule} at offset ${at}`);
  };
  const expect = (token: string): void => {
    if (!text.startsWith(token, at)) fail(`expected ${JSON.stringify(token)}`);
    at += token.length;
  };
  const string = (): string => {
    expect('"');
    let value = "";
    for (;;) {
      if (at >= text.length) fail("unterminated string");
      const char = text[at++]!;
      if (char === '"') return value;
      if (char === "\\") {
        if (at >= text.length) fail("unterminated string");
        const escaped = text[at++]!;
        value += ESCAPES[escaped] ?? escaped;
      } else {
        value += char;
      }
    }
  };

  expect("Derive([");
  const outputs: DerivationOutput[] = [];
  while (!text.startsWith("]", at)) {
    if (outputs.length > 0) expect(",");
    expect("(");
    const name = string();
    expect(",");
    const path = string();
    expect(",");
    const hashAlgo = string();
    expect(",");
    const hash = string();
    expect(")");
    if (name === "") fail("an output name must not be empty");
    if (outputs.some((output) => output.name === name)) fail(`output ${JSON.stringify(name)} appears twice`);
    outputs.push({ name, path, hashAlgo, hash });
  }
  expect("],");
  if (outputs.length === 0) fail("a derivation has at least one output");
  return outputs;
}
