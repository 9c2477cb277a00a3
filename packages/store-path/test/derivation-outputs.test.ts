// The outputs list of a .drv: hand-built ATerm (several outputs, a floating output, escapes) and real derivations
// from the local Nix store compared with `nix show-derivation`; malformed text refused with the offset.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DerivationFormatError, parseDerivationOutputs } from "../src/index.js";
import { describeWithNix, nix } from "./support/real-nix.js";

const OUT = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-1.0";
const DEV = "/nix/store/abcdfghijklmnpqrsvwxyz0123456789-hello-1.0-dev";

describe("parseDerivationOutputs", () => {
  it("reads every output with its path, and the empty path of a floating output", () => {
    const text = `Derive([("dev","${DEV}","",""),("lib","","r:sha256",""),("out","${OUT}","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo \\"hi\\"\\n"],[("out","${OUT}")])`;
    expect(parseDerivationOutputs(text)).toEqual([
      { name: "dev", path: DEV, hashAlgo: "", hash: "" },
      { name: "lib", path: "", hashAlgo: "r:sha256", hash: "" },
      { name: "out", path: OUT, hashAlgo: "", hash: "" },
    ]);
  });

  it("reads a fixed output's hash algorithm and hash, and unescapes strings", () => {
    const text = `Derive([("out","${OUT}","sha256","ab\\"c\\\\d")],[],[],"builtin","builtin:fetchurl",[],[])`;
    expect(parseDerivationOutputs(text)).toEqual([{ name: "out", path: OUT, hashAlgo: "sha256", hash: 'ab"c\\d' }]);
  });

  it.each([
    ["not a derivation", "hello", /expected "Derive\(\[" at offset 0/],
    ["no outputs", "Derive([],[],[])", /at least one output/],
    ["an unterminated string", 'Derive([("out","/nix/store/x', /unterminated string/],
    ["a missing field", `Derive([("out","${OUT}","")],`, /expected ","/],
    ["a repeated output", `Derive([("out","${OUT}","",""),("out","${OUT}","","")],`, /output "out" appears twice/],
    ["an empty output name", `Derive([("","${OUT}","","")],`, /output name must not be empty/],
  ])("refuses %s, naming the file and the offset", (_case, text, rule) => {
    let failure: unknown;
    try {
      parseDerivationOutputs(text, "/tmp/x.drv");
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(DerivationFormatError);
    expect((failure as DerivationFormatError).code).toBe("ERR_DERIVATION");
    expect((failure as Error).message).toMatch(rule);
    expect((failure as Error).message).toContain("invalid derivation /tmp/x.drv:");
  });
});

describeWithNix("parseDerivationOutputs on real derivations", () => {
  it("gives the outputs `nix show-derivation` gives", () => {
    // Two of our own (several outputs; a fixed output), plus whatever derivations the store already holds.
    const tag = `${process.pid}-${Date.now()}`;
    const made = nix("nix-instantiate", [
      "--expr",
      [
        '[ (derivation { name = "narwhal-drv-multi-' +
          tag +
          '"; builder = "/bin/sh"; system = builtins.currentSystem; outputs = [ "out" "dev" "lib" ]; args = [ "-c" "echo \\"quoted\\"" ]; })',
        '  (derivation { name = "narwhal-drv-fixed-' +
          tag +
          '"; builder = "/bin/sh"; system = builtins.currentSystem; outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; }) ]',
      ].join("\n"),
    ]).split("\n");
    const existing = readdirSync("/nix/store")
      .filter((name) => name.endsWith(".drv"))
      .slice(0, 25)
      .map((name) => `/nix/store/${name}`);
    const drvs = [...new Set([...made, ...existing])];
    expect(made).toHaveLength(2);
    const shown = JSON.parse(nix("nix", ["show-derivation", ...drvs])) as Record<
      string,
      { outputs: Record<string, { path?: string; hashAlgo?: string; hash?: string }> }
    >;
    for (const drv of drvs) {
      const expected = Object.entries(shown[drv]!.outputs).map(([name, output]) => ({
        name,
        path: output.path ?? "",
        hashAlgo: output.hashAlgo ?? "",
        hash: output.hash ?? "",
      }));
      expect(parseDerivationOutputs(readFileSync(drv, "utf8"), drv), drv).toEqual(expected);
    }
  });
});
