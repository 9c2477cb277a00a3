// Local store URLs: the forms Nix accepts for a local store map to options; other stores and unknown settings
// are refused with the URL and the rule in the message.

import { describe, expect, it } from "vitest";
import { LocalStoreError, parseLocalStoreUrl } from "../src/index.js";

describe("parseLocalStoreUrl", () => {
  it.each([
    ["local", {}],
    ["auto", {}],
    ["local?root=/tmp/chroot", { root: "/tmp/chroot" }],
    ["local?root=/r&store=/gnu/store&state=/var/state", { root: "/r", storeDir: "/gnu/store", stateDir: "/var/state" }],
    ["/srv/chroot", { root: "/srv/chroot" }],
    ["local?log=/var/log/nix&root=/x", { root: "/x" }],
  ])("reads %s", (url, options) => {
    expect(parseLocalStoreUrl(url)).toEqual(options);
  });

  it("reads a relative path as a root resolved against the working directory", () => {
    expect(parseLocalStoreUrl("./chroot")).toEqual({ root: `${process.cwd()}/chroot` });
  });

  it.each([
    ["daemon", "daemon"],
    ["unix:///nix/var/nix/daemon-socket/socket", "unix"],
    ["file:///tmp/cache", "file"],
    ["s3://bucket", "s3"],
    ["", "must not be empty"],
    ["local?rot=/x", 'unknown setting "rot"'],
    ["local?root=relative", "absolute path"],
  ])("refuses %j, naming it and the rule", (url, rule) => {
    let caught: unknown;
    try {
      parseLocalStoreUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LocalStoreError);
    expect((caught as LocalStoreError).code).toBe("LOCAL_STORE_BAD_URL");
    expect((caught as LocalStoreError).message).toContain(JSON.stringify(url));
    expect((caught as LocalStoreError).message).toContain(rule);
  });
});
