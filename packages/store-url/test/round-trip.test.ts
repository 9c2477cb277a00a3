// Checks that formatting and re-parsing gives back the same StoreUrl, for hand-picked URLs and generated ones.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMPRESSION_METHODS,
  CONTENT_ENCODING_METHODS,
  S3_ADDRESSING_STYLES,
  S3_SCHEMES,
  STORE_SETTINGS,
  defaultStoreSettings,
  formatStoreUrl,
  parseStoreUrl,
  type SettingName,
  type StoreSettings,
  type StoreUrl,
} from "../src/index.js";

const URLS = [
  "s3://my-bucket",
  "s3://my-bucket/",
  "s3://my.bucket.example?region=eu-central-1",
  "s3://my-bucket?compression=zstd&parallel-compression=true&compression-level=19",
  "s3://my-bucket?endpoint=http://localhost:9000&region=auto&addressing-style=path",
  "s3://my-bucket?endpoint=minio.local:9000&scheme=http&profile=ci",
  "s3://my-bucket?multipart-upload=1&multipart-chunk-size=64M",
  "s3://my-bucket?narinfo-compression=br&ls-compression=br&log-compression=br",
  "s3://my-bucket?secret-key=/etc/nix/key.sec&secret-keys=/k/a,/k/b",
  "s3://my-bucket?write-nar-listing=yes&index-debug-info=no&want-mass-query=true&priority=40",
  "s3://my-bucket?store=/gnu/store&trusted=true",
  "s3://my-bucket?system-features=kvm%20big-parallel&path-info-cache-size=0",
  "s3://my-bucket?profile=name%20with%20spaces%26amp&region=us-west-2",
  "s3://my-bucket?compression=xz",
  "file:///srv/cache",
  "file:///srv/cache/?compression=none",
  "file:///?priority=-5",
  "file:///srv/a%20b?local-nar-cache=/var/cache/nars",
  "http://localhost:8080",
  "https://cache.example.org/prefix/?priority=10&want-mass-query=1",
  "https://user:secret@cache.example.org:8443/p?trusted=1",
  "http://[::1]:5000/nix?compression=gzip",
];

describe("round trips", () => {
  it.each(URLS)("%s", (url) => {
    const parsed = parseStoreUrl(url);
    const formatted = formatStoreUrl(parsed);
    expect(parseStoreUrl(formatted)).toEqual(parsed);
    expect(formatStoreUrl(parseStoreUrl(formatted))).toBe(formatted);
  });

  it("writes canonical names, plain decimal and true/false", () => {
    expect(formatStoreUrl(parseStoreUrl("s3://my-bucket?multipart-chunk-size=8M&trusted=yes&priority=+3"))).toBe(
      "s3://my-bucket?buffer-size=8388608&priority=3&trusted=true",
    );
  });

  it("writes an explicit setting even when it equals its default", () => {
    expect(formatStoreUrl(parseStoreUrl("s3://my-bucket?compression=xz&region=us-east-1"))).toBe(
      "s3://my-bucket?compression=xz&region=us-east-1",
    );
  });

  it("writes a changed setting even when it is not marked explicit", () => {
    const settings = { ...defaultStoreSettings(), compression: "zstd" as const };
    const formatted = formatStoreUrl({ type: "file", path: "/c", settings, explicit: new Set() });
    expect(formatted).toBe("file:///c?compression=zstd");
  });

  it("escapes characters that would change the query", () => {
    const settings = { ...defaultStoreSettings(), profile: "a&b=c d%+#?" };
    const formatted = formatStoreUrl({ type: "s3", bucket: "my-bucket", settings, explicit: new Set(["profile"]) });
    expect(formatted).toBe("s3://my-bucket?profile=a%26b%3Dc%20d%25%2B%23%3F");
    expect(parseStoreUrl(formatted).settings.profile).toBe("a&b=c d%+#?");
  });
});

const text = fc.string({ unit: "grapheme", maxLength: 12 });
const pathText = fc
  .array(
    fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/).filter((s) => s !== "." && s !== ".."),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => `/${parts.join("/")}`);
const listItem = fc.stringMatching(/^[^,\s]{1,10}$/);

const arbitraryOf: { [K in SettingName]: fc.Arbitrary<StoreSettings[K]> } = {
  "addressing-style": fc.constantFrom(...S3_ADDRESSING_STYLES),
  "buffer-size": fc.integer({ min: 5 * 1024 * 1024, max: 5 * 1024 * 1024 * 1024 }),
  compression: fc.constantFrom(...COMPRESSION_METHODS),
  "compression-level": fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  endpoint: fc.constantFrom("", "http://localhost:9000", "https://s3.example.com", "minio:9000", "10.0.0.1:443"),
  "index-debug-info": fc.boolean(),
  "local-nar-cache": text,
  "log-compression": fc.constantFrom(...CONTENT_ENCODING_METHODS),
  "ls-compression": fc.constantFrom(...CONTENT_ENCODING_METHODS),
  "multipart-threshold": fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  "multipart-upload": fc.boolean(),
  "narinfo-compression": fc.constantFrom(...CONTENT_ENCODING_METHODS),
  "parallel-compression": fc.boolean(),
  "path-info-cache-size": fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  priority: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  profile: text,
  region: text,
  "retry-attempts": fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  "retry-delay": fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  "retry-delay-rate-limited": fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  "retry-max-delay": fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  scheme: fc.constantFrom(...S3_SCHEMES),
  "secret-key": text,
  "secret-keys": fc.array(listItem, { maxLength: 3 }),
  "storage-class": fc.constantFrom("", "STANDARD", "REDUCED_REDUNDANCY", "GLACIER_IR", "COLD.tier-2"),
  store: pathText,
  "system-features": fc.uniqueArray(listItem, { maxLength: 3 }),
  trusted: fc.boolean(),
  "want-mass-query": fc.boolean(),
  "write-nar-listing": fc.boolean(),
};

const location = fc.oneof(
  fc
    .constantFrom("my-bucket", "abc", "cache.example.org", "b-1-2-3")
    .map((bucket) => ({ type: "s3" as const, bucket })),
  pathText.map((path) => ({ type: "file" as const, path })),
  fc.constantFrom("http://localhost:8080", "https://cache.example.org/prefix", "https://[::1]:9/a/b").map((url) => ({
    type: "http" as const,
    url,
  })),
);

const storeUrl: fc.Arbitrary<StoreUrl> = location
  .chain((where) => {
    const names = STORE_SETTINGS.filter((d) => d.appliesTo.includes(where.type)).map((d) => d.name);
    return fc.subarray(names).chain((chosen) =>
      fc.record(Object.fromEntries(chosen.map((name) => [name, arbitraryOf[name]]))).map((values) => ({
        ...where,
        settings: { ...defaultStoreSettings(), ...values } as StoreSettings,
        explicit: new Set(chosen),
      })),
    );
  })
  .filter((x) => !(x.settings["multipart-upload"] && x.settings["multipart-threshold"] < x.settings["buffer-size"])); // refused combination

describe("generated round trips", () => {
  it("parseStoreUrl(formatStoreUrl(x)) deep-equals x", () => {
    fc.assert(
      fc.property(storeUrl, (x) => {
        expect(parseStoreUrl(formatStoreUrl(x))).toEqual(x);
      }),
      { numRuns: 500 },
    );
  });
});
