// Checks that every setting gets Nix's default when the URL does not set it, and that the table is complete.

import { describe, expect, it } from "vitest";
import { STORE_SETTINGS, defaultStoreSettings, describeSettings, parseStoreUrl } from "../src/index.js";

const NIX_DEFAULTS = {
  "addressing-style": "auto",
  "buffer-size": 5242880,
  compression: "xz",
  "compression-level": -1,
  endpoint: "",
  "index-debug-info": false,
  "local-nar-cache": "",
  "log-compression": "",
  "ls-compression": "",
  "multipart-threshold": 100 * 1024 * 1024,
  "multipart-upload": false,
  "narinfo-compression": "",
  "parallel-compression": false,
  "path-info-cache-size": 65536,
  priority: 0,
  profile: "",
  region: "us-east-1",
  "retry-attempts": 0,
  "retry-delay": 0,
  "retry-delay-rate-limited": 0,
  "retry-max-delay": 0,
  scheme: "",
  "secret-key": "",
  "secret-keys": [],
  "storage-class": "",
  store: "/nix/store",
  "system-features": [],
  trusted: false,
  "want-mass-query": false,
  "write-nar-listing": false,
};

describe("defaults", () => {
  it.each(["s3://my-bucket", "file:///srv/cache", "https://cache.example.org"])("%s gets every default", (url) => {
    const parsed = parseStoreUrl(url);
    expect(parsed.settings).toEqual(NIX_DEFAULTS);
    expect(parsed.explicit.size).toBe(0);
  });

  it.each(Object.entries(NIX_DEFAULTS))("setting %s defaults to %j in the table", (name, value) => {
    expect(STORE_SETTINGS.find((d) => d.name === name)?.default).toEqual(value);
  });

  it("the table has exactly the settings of StoreSettings, sorted by name", () => {
    const names = STORE_SETTINGS.map((d) => d.name);
    expect(names).toEqual(Object.keys(NIX_DEFAULTS));
    expect([...names].sort()).toEqual(names);
  });

  it("defaultStoreSettings returns fresh lists each time", () => {
    const first = defaultStoreSettings();
    first["secret-keys"].push("/tmp/key");
    expect(defaultStoreSettings()["secret-keys"]).toEqual([]);
  });

  it("a setting given in the URL replaces only its own default", () => {
    const parsed = parseStoreUrl("s3://my-bucket?compression=zstd");
    expect(parsed.settings).toEqual({ ...NIX_DEFAULTS, compression: "zstd" });
    expect([...parsed.explicit]).toEqual(["compression"]);
  });

  it("describeSettings lists every setting, and only the universal ones for file stores", () => {
    const all = describeSettings();
    for (const d of STORE_SETTINGS) expect(all).toContain(d.name);
    const file = describeSettings("file");
    expect(file).toContain("write-nar-listing");
    expect(file).not.toContain("region");
    expect(all).toContain("multipart-chunk-size");
  });
});
