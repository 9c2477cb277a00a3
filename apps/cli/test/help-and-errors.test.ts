import { describe, expect, it } from "vitest";
import { narwhal } from "./run-narwhal.js";

describe("narwhal help", () => {
  it("lists every command with --help and exits 0", async () => {
    const r = await narwhal(["--help"]);
    expect(r.status).toBe(0);
    const text = r.stdout.toString();
    for (const c of [
      "nar dump-path",
      "nar restore",
      "nar ls",
      "nar cat",
      "hash path",
      "key generate-secret",
      "key convert-secret-to-public",
    ]) {
      expect(text).toContain(c);
    }
  });

  it.each([
    ["nar", "dump-path"],
    ["nar", "restore"],
    ["nar", "ls"],
    ["nar", "cat"],
    ["hash", "path"],
    ["key", "generate-secret"],
    ["key", "convert-secret-to-public"],
  ])("shows usage for '%s %s --help'", async (a, b) => {
    const r = await narwhal([a, b, "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(new RegExp(`^Usage: narwhal ${a} ${b}`));
  });

  it("prints the version", async () => {
    const r = await narwhal(["--version"]);
    expect(r.stdout.toString()).toMatch(/^narwhal \d+\.\d+\.\d+\n$/);
  });
});

describe("narwhal errors", () => {
  it("rejects an unknown command with exit 2 and one line naming it", async () => {
    const r = await narwhal(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it("rejects an unknown option, naming it", async () => {
    const r = await narwhal(["hash", "path", "--base99", "/tmp"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--base99");
  });

  it("rejects a wrong number of arguments with the usage", async () => {
    const r = await narwhal(["nar", "cat", "only-one"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage: narwhal nar cat FILE.nar PATH");
  });

  it("reports a missing input path on one line without a stack trace", async () => {
    const r = await narwhal(["hash", "path", "/definitely/not/here"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("/definitely/not/here");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("adds the stack trace with --debug", async () => {
    const r = await narwhal(["hash", "path", "--debug", "/definitely/not/here"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it("reports a corrupt NAR on stdin with exit 1", async () => {
    const r = await narwhal(["nar", "restore", `/tmp/narwhal-should-not-exist-${process.pid}`], "this is not a nar");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/narwhal: error: .*(magic|Nix archive|NAR)/i);
  });

  it("requires --key-name for key generate-secret", async () => {
    const r = await narwhal(["key", "generate-secret"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--key-name");
  });

  it("rejects a malformed secret key, naming the rule", async () => {
    const r = await narwhal(["key", "convert-secret-to-public"], "mykey:not-base64!!");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("secret key");
  });
});
