// Secrets never reach the terminal: a secret key given as a trusted public key (flag, nix.conf, NIX_CONFIG) is named
// by its key name only, and a store URL's password never appears in an error, whatever failed.

import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSecretKey, generateSecretKey } from "@narwhal/signing";
import { NARWHAL } from "./run-narwhal.js";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with extra environment variables (NIX_CONFIG, NIX_CONF_DIR). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NARWHAL, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NIX_CONF_DIR: "/nonexistent", NIX_CONFIG: "", ...env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

/** Every 8-character run of the Base64 payload, so a partial echo fails too. */
function expectNoKeyMaterial(text: string, keyText: string): void {
  const payload = keyText.slice(keyText.indexOf(":") + 1).replace(/[^A-Za-z0-9+/]/g, "");
  for (let start = 0; start + 8 <= payload.length; start += 4)
    expect(text).not.toContain(payload.slice(start, start + 8));
}

const PATH = "/nix/store/lmfzbmzbml0b7swsq11s7gym3kf0cr35-hello-1.0";

describe("a secret key where a trusted public key is expected", () => {
  const secretText = formatSecretKey(generateSecretKey("mykey"));
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "narwhal-secrets-keys-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function expectRefusal(result: Run, source: string): void {
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(source);
    expect(result.stderr).toContain('"mykey" looks like a secret key (64 bytes); expected a public key (32 bytes)');
    expect(result.stderr).toContain("narwhal key convert-secret-to-public");
    expectNoKeyMaterial(`${result.stdout}${result.stderr}`, secretText);
  }

  it("--trusted-public-keys", async () => {
    expectRefusal(
      await run(["path-info", "--store", `file://${dir}`, "--trusted-public-keys", secretText, PATH]),
      "--trusted-public-keys entry 1",
    );
  });

  it("NIX_CONFIG", async () => {
    expectRefusal(
      await run(["path-info", "--store", `file://${dir}`, PATH], { NIX_CONFIG: `trusted-public-keys = ${secretText}` }),
      "trusted-public-keys (nix.conf) entry 1",
    );
  });

  it("nix.conf in NIX_CONF_DIR, after a valid key", async () => {
    await writeFile(
      join(dir, "nix.conf"),
      `trusted-public-keys = cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY= ${secretText}\n`,
    );
    expectRefusal(
      await run(["store", "ls", "--store", `file://${dir}`, `${PATH}/bin`], { NIX_CONF_DIR: dir }),
      "trusted-public-keys (nix.conf) entry 2",
    );
  });

  it("a malformed key shows its name part only", async () => {
    const result = await run([
      "path-info",
      "--store",
      `file://${dir}`,
      "--trusted-public-keys",
      `mykey:${secretText.slice(6, 50)}`,
      PATH,
    ]);
    expect(result.stderr).toContain('"mykey"');
    expectNoKeyMaterial(result.stderr, secretText.slice(0, 50));
  });
});

describe("a store URL's password", () => {
  const PASSWORD = "hunter2secret";
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === "/nix-cache-info" ? 200 : 404;
      response.end(request.url === "/nix-cache-info" ? "StoreDir: /nix/store\n" : "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ["an unreachable http cache", () => `http://user:${PASSWORD}@127.0.0.1:1/cache`],
    ["a reachable http cache", () => `http://user:${PASSWORD}@127.0.0.1:${port}`],
    ["an http URL that does not parse", () => `http://user:${PASSWORD}@bad host/`],
    ["an http URL with an unknown setting", () => `https://user:${PASSWORD}@127.0.0.1:1/?compresion=xz`],
    ["an s3 URL with credentials", () => `s3://key:${PASSWORD}@my-bucket`],
    ["a file URL with credentials", () => `file://user:${PASSWORD}@/tmp/x`],
  ])("is not shown for %s", async (_what, url) => {
    for (const args of [
      ["store", "info", "--store", url()],
      ["path-info", "--store", url(), "--no-require-sigs", PATH],
      ["store", "info", "--json", "--store", url()],
    ]) {
      const result = await run(args);
      expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
      if (result.status !== 0) expect(result.stderr).toMatch(/^narwhal: /);
    }
  });
});
