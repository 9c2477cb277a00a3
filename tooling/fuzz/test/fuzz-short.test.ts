// A short fuzz run of every target (FUZZ_TEST_RUNS, default 2,000 inputs each) so CI's `pnpm test` keeps the fuzz
// properties running: no crash, hang or memory overrun in any parser, and accepted NARs re-serialize to their bytes.

import { describe, expect, it } from "vitest";
import { createAllTargets } from "../src/all-targets.js";
import { DEFAULT_FUZZ_OPTIONS, runFuzzTarget } from "../src/run-target.js";

const RUNS = Number(process.env.FUZZ_TEST_RUNS ?? 2000);
const targets = await createAllTargets();

describe("fuzz targets (short run)", () => {
  it.each(targets.map((target) => [target.name, target] as const))(
    "%s: only returns or typed refusals",
    async (_, target) => {
      const result = await runFuzzTarget(target, { ...DEFAULT_FUZZ_OPTIONS, runs: RUNS, seed: Date.now() % 2 ** 31 });
      expect(result.inputs).toBe(RUNS);
      expect(result.findings).toEqual([]);
      expect(result.accepted + result.refused).toBe(RUNS);
    },
  );

  it("the structure-aware inputs reach acceptance and refusal for every parser (the seeds are valid, the mutations bite)", async () => {
    for (const target of targets) {
      const result = await runFuzzTarget(target, { ...DEFAULT_FUZZ_OPTIONS, runs: 500, seed: 1 });
      expect(result.accepted, target.name).toBeGreaterThan(0);
      expect(result.refused, target.name).toBeGreaterThan(0);
    }
  });
});
