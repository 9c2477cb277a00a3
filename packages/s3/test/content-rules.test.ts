import { describe, expect, it } from "vitest";
import { checkContentEncodingSettings, contentEncodingFor, contentTypeFor, S3TransportError } from "../src/index.js";

const off = { "narinfo-compression": "", "ls-compression": "", "log-compression": "" };

describe("Content-Type per object kind", () => {
  it.each([
    ["nix-cache-info", "text/x-nix-cache-info"],
    ["0123456789abcdfghijklmnpqrsvwxyz.narinfo", "text/x-nix-narinfo"],
    ["nar/1w1fff338fvdw53sqgamddn1b2xgds473pv6y13gizdbqjv4i5p3.nar.xz", "application/x-nix-nar"],
    ["0123456789abcdfghijklmnpqrsvwxyz.ls", "application/json"],
    ["debuginfo/0123456789abcdef0123456789abcdef01234567", "application/json"],
    ["log/0123456789abcdfghijklmnpqrsvwxyz-hello.drv", "text/plain; charset=utf-8"],
  ])("%s is %s", (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });
});

describe("which objects get a Content-Encoding", () => {
  const all = { "narinfo-compression": "br", "ls-compression": "gzip", "log-compression": "zstd" };
  it("applies each setting only to its own kind of object", () => {
    expect(contentEncodingFor("abc.narinfo", all)).toBe("br");
    expect(contentEncodingFor("abc.ls", all)).toBe("gzip");
    expect(contentEncodingFor("log/abc-x.drv", all)).toBe("zstd");
    expect(contentEncodingFor("nar/abc.nar.xz", all)).toBeUndefined();
    expect(contentEncodingFor("nix-cache-info", all)).toBeUndefined();
    expect(contentEncodingFor("abc.narinfo", off)).toBeUndefined();
  });

  it("refuses xz and bzip2 because Nix >= 2.34 cannot read them, unless forced", () => {
    for (const method of ["xz", "bzip2"]) {
      const settings = { ...off, "ls-compression": method };
      let caught: unknown;
      try {
        checkContentEncodingSettings(settings, "my-cache", false);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(S3TransportError);
      expect((caught as S3TransportError).code).toBe("CONTENT_ENCODING_REFUSED");
      expect((caught as Error).message).toMatch(new RegExp(`ls-compression=${method} .*Nix >= 2\\.34 cannot read`));
      expect(() => checkContentEncodingSettings(settings, "my-cache", true)).not.toThrow();
    }
    expect(() =>
      checkContentEncodingSettings({ ...off, "narinfo-compression": "zstd" }, "my-cache", false),
    ).not.toThrow();
  });
});
