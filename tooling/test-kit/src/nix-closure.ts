// Store paths with references, built by real Nix for interop tests: an input-addressed output that refers to itself
// and to a `builtins.toFile` dependency (so signatures are required and reference lists are exercised).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ReferencingOutput {
  /** The built output; its contents name itself and `dependency`. */
  readonly output: string;
  /** The `builtins.toFile` path the output refers to. */
  readonly dependency: string;
}

/** Builds (nix-build, no sandbox) a derivation whose output refers to itself and to one dependency. */
export function buildReferencingOutput(label: string): ReferencingOutput {
  const work = mkdtempSync(join(tmpdir(), "narwhal-nix-closure-"));
  try {
    const expression = join(work, "closure.nix");
    writeFileSync(
      expression,
      `
let dep = builtins.toFile "narwhal-${label}-dep" "dependency of ${label} ${process.pid} ${Date.now()}"; in
derivation {
  name = "narwhal-${label}-out";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "echo \${dep} $out > $out" ];
}`,
    );
    const nix = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" }).trim();
    const output = nix("nix-build", ["--no-out-link", expression]);
    const dependency = nix("nix-store", ["-q", "--references", output])
      .split("\n")
      .find((path) => path !== output && path !== "");
    if (!dependency) throw new Error(`nix-build of ${expression} gave ${output} without the expected dependency`);
    return { output, dependency };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
