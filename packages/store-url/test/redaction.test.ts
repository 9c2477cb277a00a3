// Passwords in store URLs: redactStoreUrl hides userinfo in any text, and no StoreUrlError (message or value) of
// parseStoreUrl or formatStoreUrl contains the password of the URL it refuses.

import { describe, expect, it } from "vitest";
import { StoreUrlError, formatStoreUrl, parseStoreUrl, redactStoreUrl } from "../src/index.js";

const PASSWORD = "hunter2secret";

function refusal(action: () => unknown): StoreUrlError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreUrlError);
    return error as StoreUrlError;
  }
  throw new Error("expected a StoreUrlError");
}

describe("redactStoreUrl", () => {
  it.each([
    ["http://user:hunter2@host/prefix", "http://user:***@host/prefix"],
    ["https://user:hunter2@host:8443", "https://user:***@host:8443"],
    ["https://token@host/x", "https://***@host/x"],
    ["store URL 'http://u:p%40ss@h/x?priority=x' is bad", "store URL 'http://u:***@h/x?priority=x' is bad"],
    ["a 'http://u:p@ss@h' b", "a 'http://u:***@h' b"],
    ["s3://k:s@bucket?region=x and file://u:v@/dir", "s3://k:***@bucket?region=x and file://u:***@/dir"],
    [
      "s3://bucket?endpoint=http://key:sec@minio:9000&scheme=http",
      "s3://bucket?endpoint=http://key:***@minio:9000&scheme=http",
    ],
    ["http://u:pa/ss@host/", "http://u:***@host/"],
  ])("%s", (text, redacted) => {
    expect(redactStoreUrl(text)).toBe(redacted);
  });

  it.each([
    "http://host:8080/path@x",
    "file:///dir?secret-key=/keys/a@b.sec&secret-keys=/k/c.sec",
    "s3://bucket?secret-key=/etc/nix/key.sec",
    "https://cache.example.org/nix@2.8",
    "no URL here: user:pass@host",
    "mailto:someone@example.org",
  ])("leaves %s alone", (text) => {
    expect(redactStoreUrl(text)).toBe(text);
  });
});

describe("store URL errors never contain a password", () => {
  it.each([
    `http://user:${PASSWORD}@bad host/`,
    `https://user:${PASSWORD}@host/x#frag`,
    `https://user:${PASSWORD}@host/x?region=eu-west-1`,
    `https://user:${PASSWORD}@host/x?compresion=xz`,
    `https://user:${PASSWORD}@host/x?priority=1&priority=2`,
    `https://user:${PASSWORD}@host/x?priority=%zz`,
    `https://user:${PASSWORD}@/x`,
    `s3://user:${PASSWORD}@my-bucket`,
    `s3://user:${PASSWORD}@my-bucket/prefix`,
    `s3://${PASSWORD}@my-bucket`,
    `s3://my-bucket?endpoint=http://key:${PASSWORD}@minio:9000?x`,
    `file://user:${PASSWORD}@/dir`,
    `file://user:${PASSWORD}@host/dir`,
    `ftp://user:${PASSWORD}@host/dir`,
  ])("%s", (url) => {
    const error = refusal(() => parseStoreUrl(url));
    expect(error.message).not.toContain(PASSWORD);
    expect(error.value ?? "").not.toContain(PASSWORD);
    expect(String(error.stack)).not.toContain(PASSWORD);
  });

  it("s3:// and file:// URLs with credentials are refused by rule, naming the redacted URL", () => {
    const s3 = refusal(() => parseStoreUrl(`s3://key:${PASSWORD}@my-bucket`));
    expect(s3.code).toBe("MALFORMED_URL");
    expect(s3.message).toContain("'s3://key:***@my-bucket'");
    expect(s3.message).toContain("AWS");
    const file = refusal(() => parseStoreUrl(`file://user:${PASSWORD}@/dir`));
    expect(file.code).toBe("MALFORMED_URL");
    expect(file.message).toContain("'file://user:***@/dir'");
  });

  it("an http(s) URL with credentials still parses and formats back whole (the URL is the caller's own)", () => {
    const parsed = parseStoreUrl(`https://user:${PASSWORD}@cache.example.org/x?priority=3`);
    expect(parsed.type === "http" && parsed.url).toBe(`https://user:${PASSWORD}@cache.example.org/x`);
    expect(formatStoreUrl(parsed)).toBe(`https://user:${PASSWORD}@cache.example.org/x?priority=3`);
    expect(redactStoreUrl(formatStoreUrl(parsed))).toBe("https://user:***@cache.example.org/x?priority=3");
  });

  it("formatStoreUrl's refusal of a bad http base hides the password", () => {
    const parsed = parseStoreUrl("https://cache.example.org/x");
    const error = refusal(() => formatStoreUrl({ ...parsed, type: "http", url: `ftp://user:${PASSWORD}@host/x` }));
    expect(error.message).toContain("ftp://user:***@host/x");
    expect(error.message).not.toContain(PASSWORD);
    expect(error.value).not.toContain(PASSWORD);
  });
});
