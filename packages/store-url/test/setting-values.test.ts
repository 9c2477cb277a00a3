// Checks how setting text becomes typed values: Nix booleans, integers with unit suffixes, lists, paths, aliases.

import { describe, expect, it } from "vitest";
import { parseStoreUrl, resolveS3Endpoint } from "../src/index.js";

const s3 = (query: string) => parseStoreUrl(`s3://my-bucket?${query}`).settings;

describe("booleans", () => {
  it.each([
    ["true", true],
    ["yes", true],
    ["1", true],
    ["false", false],
    ["no", false],
    ["0", false],
  ])("'%s' reads as %s", (text, value) => {
    expect(s3(`want-mass-query=${text}`)["want-mass-query"]).toBe(value);
  });
});

describe("integers", () => {
  it.each([
    ["priority=42", "priority", 42],
    ["priority=-7", "priority", -7],
    ["priority=+7", "priority", 7],
    ["priority=007", "priority", 7],
    ["compression-level=-1", "compression-level", -1],
    ["buffer-size=8M", "buffer-size", 8 * 1024 * 1024],
    ["buffer-size=8m", "buffer-size", 8 * 1024 * 1024],
    ["multipart-threshold=1k", "multipart-threshold", 1024],
    ["buffer-size=2G", "buffer-size", 2 * 1024 ** 3],
    ["multipart-threshold=1T", "multipart-threshold", 1024 ** 4],
    ["path-info-cache-size=4294967295", "path-info-cache-size", 4294967295],
    ["priority=2147483647", "priority", 2147483647],
    ["priority=-2147483648", "priority", -2147483648],
  ] as const)("%s", (query, name, value) => {
    expect(s3(query)[name]).toBe(value);
  });
});

describe("strings, lists and paths", () => {
  it("percent-decodes keys and values, and leaves '+' alone", () => {
    const settings = s3("pro%66ile=a+b%20c&secret-key=/keys/cache%2Dkey");
    expect(settings.profile).toBe("a+b c");
    expect(settings["secret-key"]).toBe("/keys/cache-key");
  });

  it("splits secret-keys on commas and drops empty items", () => {
    expect(s3("secret-keys=/k/one,,/k/two,")["secret-keys"]).toEqual(["/k/one", "/k/two"]);
  });

  it("splits system-features on whitespace and drops duplicates", () => {
    expect(s3("system-features=kvm%20%20big-parallel%09kvm")["system-features"]).toEqual(["kvm", "big-parallel"]);
  });

  it("canonicalises the store directory", () => {
    expect(s3("store=/nix//store/")["store"]).toBe("/nix/store");
    expect(s3("store=/a/./b/../c")["store"]).toBe("/a/c");
  });

  it("accepts every compression method and every Content-Encoding method", () => {
    for (const method of ["xz", "bzip2", "gzip", "zstd", "br", "none"]) {
      expect(s3(`compression=${method}`).compression).toBe(method);
    }
    for (const method of ["", "br", "gzip", "zstd", "xz", "bzip2"]) {
      expect(s3(`narinfo-compression=${method}&ls-compression=${method}&log-compression=${method}`)).toMatchObject({
        "narinfo-compression": method,
        "ls-compression": method,
        "log-compression": method,
      });
    }
  });

  it("records the alias multipart-chunk-size under buffer-size", () => {
    const parsed = parseStoreUrl("s3://my-bucket?multipart-chunk-size=16M");
    expect(parsed.settings["buffer-size"]).toBe(16 * 1024 * 1024);
    expect([...parsed.explicit]).toEqual(["buffer-size"]);
  });

  it("accepts a repeated setting when both values mean the same", () => {
    const parsed = parseStoreUrl("s3://my-bucket?trusted=1&trusted=true&buffer-size=5M&multipart-chunk-size=5242880");
    expect(parsed.settings.trusted).toBe(true);
    expect(parsed.settings["buffer-size"]).toBe(5242880);
  });

  it("skips empty query items", () => {
    expect(parseStoreUrl("s3://my-bucket?&&region=eu-west-1&").settings.region).toBe("eu-west-1");
  });
});

describe("S3 endpoint", () => {
  it.each([
    ["", "", undefined],
    ["http://localhost:9000", "", "http://localhost:9000/"],
    ["https://s3.example.com/base", "http", "https://s3.example.com/base"],
    ["minio.local:9000", "", "https://minio.local:9000/"],
    ["minio.local:9000", "http", "http://minio.local:9000/"],
    ["[::1]:9000", "https", "https://[::1]:9000/"],
  ])("endpoint '%s' with scheme '%s' resolves to %s", (endpoint, scheme, expected) => {
    const query = `endpoint=${encodeURIComponent(endpoint)}&scheme=${scheme}`;
    const settings = s3(query);
    expect(settings.endpoint).toBe(endpoint);
    expect(resolveS3Endpoint(settings)?.href).toBe(expected);
  });
});

describe("store locations", () => {
  it("reads the bucket with or without a trailing slash", () => {
    expect(parseStoreUrl("s3://my-bucket/?region=x")).toMatchObject({ type: "s3", bucket: "my-bucket" });
    expect(parseStoreUrl("s3://my.bucket.name")).toMatchObject({ type: "s3", bucket: "my.bucket.name" });
  });

  it("normalises file paths and keeps them literal (no percent-decoding, like Nix)", () => {
    expect(parseStoreUrl("file:///srv/cache/")).toMatchObject({ type: "file", path: "/srv/cache" });
    expect(parseStoreUrl("file:///srv//x/./cache")).toMatchObject({ path: "/srv/x/cache" });
    expect(parseStoreUrl("file:///")).toMatchObject({ path: "/" });
    expect(parseStoreUrl("file:///srv/a%20b")).toMatchObject({ path: "/srv/a%20b" });
  });

  it("keeps http(s) base URLs without query and trailing slashes", () => {
    expect(parseStoreUrl("https://cache.example.org/")).toMatchObject({
      type: "http",
      url: "https://cache.example.org",
    });
    expect(parseStoreUrl("http://LOCALHOST:8080/pre/fix//?priority=3")).toMatchObject({
      type: "http",
      url: "http://localhost:8080/pre/fix",
    });
    expect(parseStoreUrl("https://user:pw@cache.example.org:8443/p")).toMatchObject({
      url: "https://user:pw@cache.example.org:8443/p",
    });
  });
});
