// Parse tests for Nix 2.33-2.35's S3 settings: multipart-threshold, storage-class, the 5 MiB-5 GiB chunk bound,
// the retry-* overrides, versionId (object URLs only) and the threshold/chunk combination Nix only warns about.

import { describe, expect, it } from "vitest";
import { formatStoreUrl, parseS3ObjectUrl, parseStoreUrl, StoreUrlError } from "../src/index.js";

const MiB = 1024 * 1024;

function refusal(work: () => unknown): StoreUrlError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreUrlError);
    return error as StoreUrlError;
  }
  throw new Error("expected a StoreUrlError");
}

describe("multipart-threshold", () => {
  it("defaults to 100 MiB and takes Nix's integers", () => {
    expect(parseStoreUrl("s3://my-bucket").settings["multipart-threshold"]).toBe(100 * MiB);
    expect(parseStoreUrl("s3://my-bucket?multipart-threshold=8M").settings["multipart-threshold"]).toBe(8 * MiB);
    expect(parseStoreUrl("s3://my-bucket?multipart-threshold=0").settings["multipart-threshold"]).toBe(0);
  });

  it("refuses a bad value by name", () => {
    const error = refusal(() => parseStoreUrl("s3://my-bucket?multipart-threshold=big"));
    expect(error.code).toBe("INVALID_INTEGER");
    expect(error.message).toMatch(
      /'multipart-threshold' has invalid integer value 'big'; expected a decimal integer from 0/,
    );
  });

  it("is S3-only", () => {
    expect(refusal(() => parseStoreUrl("file:///c?multipart-threshold=1M")).code).toBe("SETTING_NOT_APPLICABLE");
  });

  it("refuses a threshold below the chunk size with multipart-upload on (Nix only warns), naming both", () => {
    const error = refusal(() => parseStoreUrl("s3://my-bucket?multipart-upload=true&multipart-threshold=1M"));
    expect(error.code).toBe("CONFLICTING_VALUES");
    expect(error.message).toMatch(
      /'multipart-threshold' \(1048576\) is below 'multipart-chunk-size'\/'buffer-size' \(5242880 \(its default\)\) with multipart-upload=true/,
    );
    const explicit = refusal(() =>
      parseStoreUrl("s3://my-bucket?multipart-upload=1&multipart-threshold=8M&multipart-chunk-size=16M"),
    );
    expect(explicit.message).toMatch(/\(8388608\) is below .*\(16777216\)/);
  });

  it("accepts a threshold equal to the chunk size, and any threshold without multipart-upload", () => {
    expect(
      parseStoreUrl("s3://my-bucket?multipart-upload=true&multipart-threshold=5M").settings["multipart-threshold"],
    ).toBe(5 * MiB);
    expect(parseStoreUrl("s3://my-bucket?multipart-threshold=1").settings["multipart-threshold"]).toBe(1);
  });

  it("round-trips through formatStoreUrl", () => {
    expect(formatStoreUrl(parseStoreUrl("s3://my-bucket?multipart-upload=true&multipart-threshold=16M"))).toBe(
      "s3://my-bucket?multipart-threshold=16777216&multipart-upload=true",
    );
  });
});

describe("multipart-chunk-size / buffer-size: 5 MiB to 5 GiB, as Nix 2.33+ requires", () => {
  it.each([
    ["multipart-chunk-size=5M", 5 * MiB],
    ["buffer-size=5242880", 5 * MiB],
    ["multipart-chunk-size=5G", 5 * 1024 * MiB],
  ])("accepts %s", (setting, value) => {
    expect(parseStoreUrl(`s3://my-bucket?${setting}`).settings["buffer-size"]).toBe(value);
  });

  it.each([
    ["multipart-chunk-size=4M", "'multipart-chunk-size' has out-of-range integer value '4M'"],
    ["multipart-chunk-size=5242879", "'multipart-chunk-size' has out-of-range integer value '5242879'"],
    ["buffer-size=1k", "'buffer-size' has out-of-range integer value '1k'"],
    ["multipart-chunk-size=5368709121", "'multipart-chunk-size' has out-of-range integer value '5368709121'"],
  ])("refuses %s naming the spelling and the rule", (setting, text) => {
    const error = refusal(() => parseStoreUrl(`s3://my-bucket?${setting}`));
    expect(error.code).toBe("INVALID_INTEGER");
    expect(error.setting).toBe("buffer-size");
    expect(error.message).toContain(text);
    expect(error.message).toContain("S3 parts are at least 5 MiB (5242880) and at most 5 GiB (5368709120)");
  });

  it("says which setting an alias stands for", () => {
    expect(refusal(() => parseStoreUrl("s3://my-bucket?multipart-chunk-size=1M")).message).toMatch(
      /'multipart-chunk-size' is an alias of 'buffer-size'/,
    );
  });
});

describe("storage-class", () => {
  it("defaults to empty (the bucket's default) and passes class names through", () => {
    expect(parseStoreUrl("s3://my-bucket").settings["storage-class"]).toBe("");
    for (const name of [
      "STANDARD",
      "REDUCED_REDUNDANCY",
      "STANDARD_IA",
      "ONEZONE_IA",
      "INTELLIGENT_TIERING",
      "GLACIER",
      "DEEP_ARCHIVE",
      "GLACIER_IR",
      "EXPRESS_ONEZONE",
    ]) {
      expect(parseStoreUrl(`s3://my-bucket?storage-class=${name}`).settings["storage-class"]).toBe(name);
    }
    expect(parseStoreUrl("s3://my-bucket?storage-class=").settings["storage-class"]).toBe("");
  });

  it.each(["GLACIER%20IR", "STANDARD%0D%0Ax-amz-acl:public-read", "a,b", "%C3%A9"])(
    "refuses '%s', which cannot be a header value",
    (value) => {
      const error = refusal(() => parseStoreUrl(`s3://my-bucket?storage-class=${value}`));
      expect(error.code).toBe("INVALID_VALUE");
      expect(error.setting).toBe("storage-class");
      expect(error.message).toMatch(
        /'storage-class' has invalid value '.*'; expected an S3 storage class name such as STANDARD/s,
      );
    },
  );

  it("is S3-only", () => {
    expect(refusal(() => parseStoreUrl("https://c.example?storage-class=STANDARD")).code).toBe(
      "SETTING_NOT_APPLICABLE",
    );
  });
});

describe("retry-* (Nix 2.35 per-store overrides of filetransfer-retry-*)", () => {
  it("default to 0 (not set: nix.conf's filetransfer-retry-* apply) and record an explicit value", () => {
    const plain = parseStoreUrl("s3://my-bucket");
    for (const name of ["retry-attempts", "retry-delay", "retry-delay-rate-limited", "retry-max-delay"] as const) {
      expect(plain.settings[name]).toBe(0);
      expect(plain.explicit.has(name)).toBe(false);
    }
    const set = parseStoreUrl(
      "s3://my-bucket?retry-attempts=8&retry-delay=250&retry-delay-rate-limited=10000&retry-max-delay=0",
    );
    expect(set.settings).toMatchObject({
      "retry-attempts": 8,
      "retry-delay": 250,
      "retry-delay-rate-limited": 10000,
      "retry-max-delay": 0,
    });
    expect(set.explicit.has("retry-max-delay")).toBe(true);
  });

  it.each([
    [
      "retry-attempts=-1",
      /'retry-attempts' has invalid integer value '-1'|'retry-attempts' has out-of-range integer value '-1'/,
    ],
    ["retry-delay=1.5", /'retry-delay' has invalid integer value '1.5'/],
    [
      "retry-delay-rate-limited=4294967296",
      /'retry-delay-rate-limited' has out-of-range integer value '4294967296'; expected a decimal integer from 0 to 4294967295/,
    ],
    ["retry-max-delay=soon", /'retry-max-delay' has invalid integer value 'soon'/],
  ])("refuses %s by name", (setting, message) => {
    const error = refusal(() => parseStoreUrl(`s3://my-bucket?${setting}`));
    expect(error.code).toBe("INVALID_INTEGER");
    expect(error.message).toMatch(message);
  });

  it("are refused on file:// (Nix has them on http(s) and s3 only) and, for now, on http(s)://", () => {
    expect(refusal(() => parseStoreUrl("file:///c?retry-attempts=3")).code).toBe("SETTING_NOT_APPLICABLE");
    expect(refusal(() => parseStoreUrl("https://c.example?retry-delay=10")).code).toBe("SETTING_NOT_APPLICABLE");
  });

  it("an explicit retry-attempts=0 survives formatStoreUrl (Nix treats an explicit 0 as 'no retries')", () => {
    const text = formatStoreUrl(parseStoreUrl("s3://my-bucket?retry-attempts=0"));
    expect(text).toBe("s3://my-bucket?retry-attempts=0");
    expect(parseStoreUrl(text).explicit.has("retry-attempts")).toBe(true);
  });
});

describe("versionId", () => {
  it("is refused in a store URL, pointing at object URLs (Nix warns 'unknown setting' and ignores it)", () => {
    const error = refusal(() => parseStoreUrl("s3://my-bucket?versionId=abc123"));
    expect(error.code).toBe("SETTING_NOT_APPLICABLE");
    expect(error.setting).toBe("versionId");
    expect(error.message).toMatch(
      /'versionId', which pins one version of one object: it belongs in an S3 object URL \(s3:\/\/BUCKET\/KEY\?versionId=/,
    );
  });

  it("is read from an S3 object URL with the connection settings Nix's ParsedS3URL reads", () => {
    const object = parseS3ObjectUrl(
      "s3://my-bucket/dir/nix-cache%20info?region=eu-west-1&versionId=abc123xyz&endpoint=http://127.0.0.1:9000",
    );
    expect(object).toMatchObject({ bucket: "my-bucket", key: "dir/nix-cache info", versionId: "abc123xyz" });
    expect(object.store.settings).toMatchObject({ region: "eu-west-1", endpoint: "http://127.0.0.1:9000" });
    expect(parseS3ObjectUrl("s3://my-bucket/nix-cache-info")).not.toHaveProperty("versionId");
  });

  it.each([
    ["s3://my-bucket", "MALFORMED_URL", /names no object key/],
    ["s3://my-bucket/", "MALFORMED_URL", /names no object key/],
    ["s3://my-bucket/k?versionId=", "INVALID_VALUE", /empty versionId/],
    ["s3://my-bucket/k?versionId=a&versionId=b", "CONFLICTING_VALUES", /versionId twice/],
    [
      "s3://my-bucket/k?compression=zstd",
      "SETTING_NOT_APPLICABLE",
      /parameter 'compression'; an object URL takes only versionId, profile, region, scheme, endpoint, addressing-style/,
    ],
    ["s3://My_Bucket/k", "INVALID_BUCKET_NAME", /My_Bucket/],
    ["https://my-bucket/k", "MALFORMED_URL", /not of the form s3:\/\/BUCKET\/KEY/],
  ])("refuses %s", (url, code, message) => {
    const error = refusal(() => parseS3ObjectUrl(url));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
