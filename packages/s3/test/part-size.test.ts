import { describe, expect, it } from "vitest";
import { choosePartSize, MAX_PART_COUNT, MAX_PART_SIZE, MIN_PART_SIZE, PartSizeError } from "../src/index.js";

const MiB = 1024 * 1024;

describe("choosing the multipart part size", () => {
  it("uses buffer-size when the upload fits in 10,000 parts", () => {
    expect(choosePartSize(5 * MiB, 40_000 * MiB)).toEqual({ partSize: 5 * MiB });
    expect(choosePartSize(8 * MiB)).toEqual({ partSize: 8 * MiB });
  });

  it("raises the part size to ceil(size / 10000) with a warning when more parts would be needed", () => {
    const size = 100 * 1024 * MiB + 7;
    const choice = choosePartSize(5 * MiB, size);
    expect(choice.partSize).toBe(Math.ceil(size / MAX_PART_COUNT));
    expect(Math.ceil(size / choice.partSize)).toBeLessThanOrEqual(MAX_PART_COUNT);
    expect(choice.warning).toMatch(/buffer-size=5242880 would need 20481 parts/);
  });

  it("keeps exactly 10,000 parts at buffer-size without raising", () => {
    expect(choosePartSize(5 * MiB, 10_000 * 5 * MiB)).toEqual({ partSize: 5 * MiB });
    expect(choosePartSize(5 * MiB, 10_000 * 5 * MiB + 1).partSize).toBe(5 * MiB + 1);
  });

  it("raises a buffer-size below S3's 5 MiB minimum, and lowers one above 5 GiB, with warnings", () => {
    expect(choosePartSize(1024)).toEqual({ partSize: MIN_PART_SIZE, warning: expect.stringMatching(/below S3's minimum/) });
    expect(choosePartSize(6 * 1024 * MiB)).toEqual({ partSize: MAX_PART_SIZE, warning: expect.stringMatching(/above S3's maximum/) });
  });

  it("refuses uploads larger than S3's 5 TiB object limit and nonsense buffer sizes", () => {
    expect(() => choosePartSize(5 * MiB, 6 * 1024 * 1024 * MiB)).toThrow(PartSizeError);
    expect(() => choosePartSize(0)).toThrow(/buffer-size=0 is not valid/);
  });
});
