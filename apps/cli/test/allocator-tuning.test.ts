// The CLI's allocator tuning: applied where the addon is built on glibc, left alone when NARWHAL_MALLOC_TUNING=0.
import { afterEach, describe, expect, it } from "vitest";
import { onGlibc } from "@narwhal/test-kit";
import { tuneAllocator } from "../src/allocator-tuning.js";

describe("tuneAllocator", () => {
  const saved = process.env.NARWHAL_MALLOC_TUNING;
  afterEach(() => {
    if (saved === undefined) delete process.env.NARWHAL_MALLOC_TUNING;
    else process.env.NARWHAL_MALLOC_TUNING = saved;
  });

  it.skipIf(!onGlibc)("keeps freed memory for reuse on glibc, through @narwhal/nar-native", () => {
    delete process.env.NARWHAL_MALLOC_TUNING;
    expect(tuneAllocator()).toBe(true);
  });

  it("changes nothing when NARWHAL_MALLOC_TUNING=0", () => {
    process.env.NARWHAL_MALLOC_TUNING = "0";
    expect(tuneAllocator()).toBe(false);
  });
});
