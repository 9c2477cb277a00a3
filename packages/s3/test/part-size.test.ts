import { describe, expect, it } from "vitest";
import {
  checkPartSchedule,
  choosePartSize,
  MAX_OBJECT_SIZE,
  MAX_PART_COUNT,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  partSizeAt,
  PartSizeError,
  S3_PART_SCHEDULE,
  scheduleCapacity,
} from "../src/index.js";

const MiB = 1024 * 1024;

describe("choosing the multipart part size", () => {
  it("uses buffer-size when the upload fits in the 9,000 planned parts", () => {
    expect(choosePartSize(5 * MiB, 40_000 * MiB)).toEqual({ partSize: 5 * MiB });
    expect(choosePartSize(8 * MiB)).toEqual({ partSize: 8 * MiB });
  });

  it("raises the part size to ceil(size / 9000) with a warning when more parts would be needed", () => {
    const size = 100 * 1024 * MiB + 7;
    const choice = choosePartSize(5 * MiB, size);
    expect(choice.partSize).toBe(Math.ceil(size / 9000));
    expect(Math.ceil(size / choice.partSize)).toBeLessThanOrEqual(9000);
    expect(choice.warning).toMatch(/buffer-size=5242880 would need 20481 parts .*at most 9000 of S3's 10000 parts/);
  });

  it("keeps exactly 9,000 parts at buffer-size without raising", () => {
    expect(choosePartSize(5 * MiB, 9000 * 5 * MiB)).toEqual({ partSize: 5 * MiB });
    expect(choosePartSize(5 * MiB, 9000 * 5 * MiB + 1).partSize).toBe(5 * MiB + 1);
  });

  it("raises a buffer-size below 5 MiB for a large size hint too, not only to the 5 MiB minimum", () => {
    const size = 100 * 1024 * MiB;
    const choice = choosePartSize(1024, size);
    expect(choice.partSize).toBe(Math.ceil(size / 9000));
    expect(choice.partSize).toBeGreaterThan(MIN_PART_SIZE);
  });

  it("leaves 1,000 growing parts, so a body up to 10x longer than its hint still fits", () => {
    for (const hint of [MiB, 44 * 1024 * MiB, 200 * 1024 * MiB, MAX_OBJECT_SIZE]) {
      const { partSize } = choosePartSize(5 * MiB, hint);
      expect(scheduleCapacity(partSize)).toBeGreaterThan(Math.min(10 * hint, MAX_OBJECT_SIZE));
    }
  });

  it("grows parts after the 9,000th: doubling every 100, within S3's limits, uniform before", () => {
    expect(partSizeAt(5 * MiB, 1)).toBe(5 * MiB);
    expect(partSizeAt(5 * MiB, 9000)).toBe(5 * MiB);
    expect(partSizeAt(5 * MiB, 9001)).toBe(10 * MiB);
    expect(partSizeAt(5 * MiB, 9100)).toBe(10 * MiB);
    expect(partSizeAt(5 * MiB, 9101)).toBe(20 * MiB);
    expect(partSizeAt(5 * MiB, MAX_PART_COUNT)).toBe(5 * MiB * 2 ** 10);
    expect(partSizeAt(MAX_PART_SIZE, MAX_PART_COUNT)).toBe(MAX_PART_SIZE);
    for (let part = 1; part <= S3_PART_SCHEDULE.maxParts; part += 1) {
      const size = partSizeAt(5 * MiB, part);
      expect(size >= MIN_PART_SIZE && size <= MAX_PART_SIZE && size >= partSizeAt(5 * MiB, Math.max(1, part - 1))).toBe(
        true,
      );
    }
    // Without a size hint, the default buffer-size carries about 1 TiB.
    expect(scheduleCapacity(5 * MiB)).toBeGreaterThan(1000 * 1024 * MiB);
  });

  it("raises a buffer-size below S3's 5 MiB minimum, and lowers one above 5 GiB, with warnings", () => {
    expect(choosePartSize(1024)).toEqual({
      partSize: MIN_PART_SIZE,
      warning: expect.stringMatching(/below S3's minimum/),
    });
    expect(choosePartSize(6 * 1024 * MiB)).toEqual({
      partSize: MAX_PART_SIZE,
      warning: expect.stringMatching(/above S3's maximum/),
    });
  });

  it("refuses a part schedule with counts that are not positive integers, or more uniform parts than parts", () => {
    expect(checkPartSchedule(S3_PART_SCHEDULE)).toBe(S3_PART_SCHEDULE);
    expect(() => checkPartSchedule({ uniformParts: 0, growthStep: 1, maxParts: 4 })).toThrow(
      /partSchedule.uniformParts=0 is not valid; it must be a positive integer/,
    );
    expect(() => checkPartSchedule({ uniformParts: 2, growthStep: 1.5, maxParts: 4 })).toThrow(
      /partSchedule.growthStep=1.5/,
    );
    expect(() => checkPartSchedule({ uniformParts: 5, growthStep: 1, maxParts: 4 })).toThrow(
      /must not exceed maxParts=4/,
    );
  });

  it("refuses uploads larger than S3's 5 TiB object limit and nonsense buffer sizes", () => {
    expect(() => choosePartSize(5 * MiB, 6 * 1024 * 1024 * MiB)).toThrow(PartSizeError);
    expect(() => choosePartSize(0)).toThrow(/buffer-size=0 is not valid/);
  });
});
