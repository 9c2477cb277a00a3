// Checks every refusal: each error carries its code, names the bad input, and states the rule it broke.

import { describe, expect, it } from "vitest";
import {
  StoreUrlError,
  defaultStoreSettings,
  findS3BucketNameViolation,
  formatStoreUrl,
  parseStoreUrl,
  type StoreUrlErrorCode,
} from "../src/index.js";

function refusal(action: () => unknown): StoreUrlError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreUrlError);
    return error as StoreUrlError;
  }
  throw new Error("expected a StoreUrlError, but nothing was thrown");
}

const cases: [string, StoreUrlErrorCode, RegExp][] = [
  [
    "ssh://host",
    "UNSUPPORTED_SCHEME",
    /unsupported scheme 'ssh:\/\/'; supported: s3:\/\/, file:\/\/, http:\/\/, https:\/\//,
  ],
  ["/nix/store", "UNSUPPORTED_SCHEME", /'\/nix\/store' is not a supported store URL/],
  ["daemon", "UNSUPPORTED_SCHEME", /expected one of s3:\/\//],
  ["S3://my-bucket", "UNSUPPORTED_SCHEME", /'S3:\/\/'/],
  ["s3://", "MISSING_BUCKET", /names no bucket/],
  ["s3://?region=eu-west-1", "MISSING_BUCKET", /names no bucket/],
  ["s3:///key", "MISSING_BUCKET", /names no bucket/],
  ["s3://my-bucket/prefix", "MALFORMED_URL", /key prefix '\/prefix'/],
  ["s3://my-bucket#frag", "MALFORMED_URL", /fragment/],
  [
    "s3://My-Bucket",
    "INVALID_BUCKET_NAME",
    /'My-Bucket': it may contain only lowercase letters, digits, dots and hyphens/,
  ],
  ["s3://ab", "INVALID_BUCKET_NAME", /'ab': it must be 3 to 63 characters long/],
  ["file://relative/dir", "RELATIVE_FILE_PATH", /relative or host-qualified path 'relative\/dir'.*absolute/],
  ["file://", "RELATIVE_FILE_PATH", /absolute path/],
  ["http://", "MALFORMED_URL", /not a valid http URL/],
  ["https://bad host/x", "MALFORMED_URL", /not a valid https URL/],
  ["file:///c?priority", "MALFORMED_QUERY", /setting 'priority' has no value/],
  ["file:///c?priority=%4", "MALFORMED_QUERY", /bad percent-escape in '%4'/],
  [
    "file:///c?compresion=zstd",
    "UNKNOWN_SETTING",
    /unknown store URL setting 'compresion' \(did you mean 'compression'\?\)/,
  ],
  ["s3://my-bucket?regoin=eu", "UNKNOWN_SETTING", /did you mean 'region'/],
  ["s3://my-bucket?storage-clas=GLACIER", "UNKNOWN_SETTING", /did you mean 'storage-class'/],
  ["file:///c?region=eu-west-1", "SETTING_NOT_APPLICABLE", /'region' is S3-only and does not apply to file:\/\//],
  ["https://c.example?multipart-upload=true", "SETTING_NOT_APPLICABLE", /'multipart-upload' is S3-only.*http:\/\//],
  ["file:///c?multipart-chunk-size=8M", "SETTING_NOT_APPLICABLE", /'multipart-chunk-size' is S3-only/],
  [
    "file:///c?trusted=maybe",
    "INVALID_BOOLEAN",
    /'trusted' has invalid boolean value 'maybe'; valid: true, yes, 1, false, no, 0/,
  ],
  ["file:///c?trusted=True", "INVALID_BOOLEAN", /'True'/],
  ["file:///c?trusted=", "INVALID_BOOLEAN", /value ''/],
  ["file:///c?priority=5x", "INVALID_INTEGER", /'priority' has invalid integer value '5x'; expected a decimal integer/],
  ["file:///c?priority=", "INVALID_INTEGER", /value ''/],
  ["file:///c?priority=%201", "INVALID_INTEGER", /value ' 1'/],
  ["file:///c?priority=1.5", "INVALID_INTEGER", /'1.5'/],
  ["file:///c?priority=0x10", "INVALID_INTEGER", /'0x10'/],
  [
    "file:///c?priority=2147483648",
    "INVALID_INTEGER",
    /out-of-range integer value '2147483648'; expected a decimal integer from -2147483648 to 2147483647/,
  ],
  ["file:///c?priority=2G", "INVALID_INTEGER", /out-of-range/],
  ["file:///c?path-info-cache-size=-1", "INVALID_INTEGER", /'-1'.*from 0 to 4294967295/],
  ["s3://my-bucket?buffer-size=-5M", "INVALID_INTEGER", /'-5M'/],
  ["s3://my-bucket?buffer-size=9999999T", "INVALID_INTEGER", /out-of-range/],
  [
    "file:///c?compression=lz5",
    "INVALID_VALUE",
    /^store URL setting 'compression' has invalid value 'lz5'; valid: xz, bzip2, gzip, zstd, br, none$/,
  ],
  ["file:///c?compression=", "INVALID_VALUE", /'compression' has invalid value ''/],
  [
    "s3://my-bucket?narinfo-compression=none",
    "INVALID_VALUE",
    /valid: '' \(off\), br, gzip, zstd, xz, bzip2 \(use an empty value to turn it off\)/,
  ],
  ["s3://my-bucket?ls-compression=lz4", "INVALID_VALUE", /'ls-compression' has invalid value 'lz4'/],
  ["s3://my-bucket?log-compression=Gzip", "INVALID_VALUE", /'log-compression' has invalid value 'Gzip'/],
  ["s3://my-bucket?scheme=ftp", "INVALID_VALUE", /'scheme' has invalid value 'ftp'; valid: '' \(off\), http, https/],
  ["s3://my-bucket?addressing-style=dns", "INVALID_VALUE", /valid: auto, path, virtual/],
  [
    "s3://my-bucket?endpoint=ftp://host",
    "INVALID_VALUE",
    /'endpoint' has invalid value 'ftp:\/\/host'; an endpoint URL must use http/,
  ],
  ["s3://my-bucket?endpoint=host/path", "INVALID_VALUE", /expected an http\(s\) URL or a bare host\[:port\]/],
  ["s3://my-bucket?endpoint=http://h:9000/?x=1", "INVALID_VALUE", /must not have a query or fragment/],
  ["file:///c?store=nix/store", "INVALID_VALUE", /'store' has invalid value 'nix\/store'; it must be an absolute path/],
  [
    "file:///c?priority=1&priority=2",
    "CONFLICTING_VALUES",
    /'priority' is given twice with different values: priority='1' and priority='2'/,
  ],
  [
    "s3://my-bucket?buffer-size=5M&multipart-chunk-size=6M",
    "CONFLICTING_VALUES",
    /buffer-size='5M' and multipart-chunk-size='6M'/,
  ],
];

describe("parse errors", () => {
  it.each(cases)("%s -> %s", (url, code, message) => {
    const error = refusal(() => parseStoreUrl(url));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it("an unknown setting far from every name gets no suggestion", () => {
    const error = refusal(() => parseStoreUrl("file:///c?completely-unrelated=1"));
    expect(error.code).toBe("UNKNOWN_SETTING");
    expect(error.suggestion).toBeUndefined();
    expect(error.message).not.toMatch(/did you mean/);
  });

  it("setting errors carry the setting and the value", () => {
    const error = refusal(() => parseStoreUrl("file:///c?compression=lz5"));
    expect(error.setting).toBe("compression");
    expect(error.value).toBe("lz5");
    expect(error.name).toBe("StoreUrlError");
  });
});

describe("S3 bucket naming rules", () => {
  it.each([
    ["ab", /3 to 63 characters/],
    ["a".repeat(64), /3 to 63 characters/],
    ["under_score", /only lowercase letters, digits, dots and hyphens/],
    ["-leading", /start and end with a letter or digit/],
    ["trailing-", /start and end with a letter or digit/],
    [".dotted", /start and end/],
    ["two..dots", /two adjacent dots/],
    ["192.168.5.4", /IP address/],
    ["xn--bucket", /reserved prefix 'xn--'/],
    ["sthree-bucket", /reserved prefix 'sthree-'/],
    ["amzn-s3-demo-bucket", /reserved prefix 'amzn-s3-demo-'/],
    ["bucket-s3alias", /reserved suffix '-s3alias'/],
    ["bucket--ol-s3", /reserved suffix '--ol-s3'/],
    ["bucket.mrap", /reserved suffix '.mrap'/],
    ["bucket--x-s3", /reserved suffix '--x-s3'/],
    ["bucket--table-s3", /reserved suffix '--table-s3'/],
  ])("'%s' is refused", (name, rule) => {
    expect(findS3BucketNameViolation(name)).toMatch(rule);
    const error = refusal(() => parseStoreUrl(`s3://${name}`));
    expect(error.code).toBe("INVALID_BUCKET_NAME");
    expect(error.message).toContain(`'${name}'`);
  });

  it.each(["abc", "a".repeat(63), "my-bucket", "my.bucket.1", "1bucket", "192.168.5.4a", "xn-bucket"])(
    "'%s' is accepted",
    (name) => {
      expect(findS3BucketNameViolation(name)).toBeUndefined();
      expect(parseStoreUrl(`s3://${name}`)).toMatchObject({ bucket: name });
    },
  );
});

describe("format errors", () => {
  const base = () => ({ settings: defaultStoreSettings(), explicit: new Set<never>() });

  it("refuses an S3-only setting on a file store", () => {
    const settings = { ...defaultStoreSettings(), region: "eu-west-1" };
    const error = refusal(() => formatStoreUrl({ type: "file", path: "/c", settings, explicit: new Set() }));
    expect(error.code).toBe("SETTING_NOT_APPLICABLE");
    expect(error.setting).toBe("region");
  });

  it("refuses list items that cannot be read back", () => {
    const withComma = { ...defaultStoreSettings(), "secret-keys": ["/a,b"] };
    expect(
      refusal(() => formatStoreUrl({ type: "s3", bucket: "my-bucket", settings: withComma, explicit: new Set() })).code,
    ).toBe("UNREPRESENTABLE_VALUE");
    const withSpace = { ...defaultStoreSettings(), "system-features": ["big parallel"] };
    expect(
      refusal(() => formatStoreUrl({ type: "s3", bucket: "my-bucket", settings: withSpace, explicit: new Set() })).code,
    ).toBe("UNREPRESENTABLE_VALUE");
    const empty = { ...defaultStoreSettings(), "secret-keys": [""] };
    expect(
      refusal(() => formatStoreUrl({ type: "s3", bucket: "my-bucket", settings: empty, explicit: new Set() })).code,
    ).toBe("UNREPRESENTABLE_VALUE");
  });

  it("refuses values parse would refuse", () => {
    const settings = { ...defaultStoreSettings(), priority: 1.5 };
    expect(refusal(() => formatStoreUrl({ type: "s3", bucket: "my-bucket", settings, explicit: new Set() })).code).toBe(
      "INVALID_INTEGER",
    );
    const compression = { ...defaultStoreSettings(), compression: "lz5" as "xz" };
    expect(
      refusal(() => formatStoreUrl({ type: "s3", bucket: "my-bucket", settings: compression, explicit: new Set() }))
        .code,
    ).toBe("INVALID_VALUE");
  });

  it("refuses bad locations", () => {
    expect(refusal(() => formatStoreUrl({ type: "s3", bucket: "Bad_Bucket", ...base() })).code).toBe(
      "INVALID_BUCKET_NAME",
    );
    expect(refusal(() => formatStoreUrl({ type: "file", path: "relative", ...base() })).code).toBe(
      "RELATIVE_FILE_PATH",
    );
    expect(refusal(() => formatStoreUrl({ type: "file", path: "/a?b", ...base() })).code).toBe("UNREPRESENTABLE_VALUE");
    expect(refusal(() => formatStoreUrl({ type: "http", url: "ftp://x", ...base() })).code).toBe("MALFORMED_URL");
    expect(refusal(() => formatStoreUrl({ type: "http", url: "https://x/?a=1", ...base() })).code).toBe(
      "MALFORMED_URL",
    );
  });
});
