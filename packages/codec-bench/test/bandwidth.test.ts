// Link speeds as people write them: bits and bytes told apart by b/B, decimal and binary prefixes, and a clear
// error naming the flag for a bare number, an unknown unit or a zero.

import { describe, expect, it } from "vitest";
import { formatBandwidth, parseBandwidth } from "../src/index.js";

describe("parseBandwidth", () => {
  it.each([
    ["100Mbit", 12_500_000],
    ["100Mbit/s", 12_500_000],
    ["100 Mbps", 12_500_000],
    ["1Gbps", 125_000_000],
    ["1gbit", 125_000_000],
    ["800kbit/s", 100_000],
    ["50MB/s", 50_000_000],
    ["50MBps", 50_000_000],
    ["12.5MiB/s", 12.5 * 2 ** 20],
    ["2 GiB/s", 2 * 2 ** 30],
    ["1e3 B/s", 1000],
    ["64kB", 64_000],
    ["10 bytes/s", 10],
  ])("%s is %d bytes/s", (text, bytes) => {
    expect(parseBandwidth(text)).toBeCloseTo(bytes, 6);
  });

  it("refuses a bare number, naming the flag and asking for a unit", () => {
    expect(() => parseBandwidth("100", "--upload-bandwidth")).toThrow(
      /--upload-bandwidth "100" has no unit; .*100Mbit/,
    );
    try {
      parseBandwidth("100");
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_BANDWIDTH", input: "100" });
    }
  });

  it.each(["fast", "100 Mfoo", "100Mbit/h", "-5MB/s", "MB/s", "100Mb/s/s", ""])("refuses %j", (text) => {
    expect(() => parseBandwidth(text, "--download-bandwidth")).toThrow(/--download-bandwidth .* is not a speed/);
  });

  it("refuses zero and infinity", () => {
    expect(() => parseBandwidth("0Mbit")).toThrow(/must be a positive, finite speed/);
    expect(() => parseBandwidth("1e400B/s")).toThrow(/must be a positive, finite speed/);
  });

  it("formats bytes and bits", () => {
    expect(formatBandwidth(12_500_000)).toBe("12.5 MB/s (100 Mbit/s)");
  });
});
