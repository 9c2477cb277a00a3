// Interop with the real Nix client: keys Nix generates parse and re-format byte for byte, our signatures equal the
// Sig lines Nix writes, Nix signs with keys we generate, and Nix accepts narinfos carrying our signatures.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TrustedKeys,
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  parsePublicKey,
  parseSecretKey,
  signFingerprint,
  toPublicKey,
  type SecretKey,
} from "../src/index.js";
import {
  fingerprintOf,
  generateNixKeyPair,
  hasNix,
  narInfoPath,
  nixOutput,
  readNarInfo,
  removeTempDirs,
  runNix,
  tempDir,
} from "./support/real-nix.js";
import { buildReferencingOutput } from "@narwhal/test-kit";

function copyToFileCache(storePath: string, secretKeyPath: string): string {
  const cacheDir = tempDir("cache");
  nixOutput("nix", ["copy", "--to", `file://${cacheDir}?compression=none&secret-key=${secretKeyPath}`, storePath]);
  return cacheDir;
}

function writeKeyFile(secretKey: SecretKey): string {
  const path = join(tempDir("key"), "secret.key");
  writeFileSync(path, formatSecretKey(secretKey));
  return path;
}

describe.skipIf(!hasNix)("interop with real Nix", () => {
  let builtPath: string;
  let addedPath: string;

  beforeAll(() => {
    const work = tempDir("paths");
    // refers to itself and to another path: signatures are required (Nix 2.8 skips them for CA paths) and the
    // fingerprint's sorted reference list is exercised
    builtPath = buildReferencingOutput("signing-interop").output;
    writeFileSync(join(work, "payload.txt"), `narwhal signing interop ${process.pid}\n`);
    addedPath = nixOutput("nix-store", ["--add", join(work, "payload.txt")]);
  });

  afterAll(removeTempDirs);

  it("parses the key files nix-store --generate-binary-cache-key writes and re-formats them byte for byte", () => {
    const { secretPath, publicPath } = generateNixKeyPair("interop.example.org-1", tempDir("nix-key"));
    const secretText = readFileSync(secretPath, "utf8");
    const publicText = readFileSync(publicPath, "utf8");
    const secret = parseSecretKey(secretText, secretPath);
    const publicKey = parsePublicKey(publicText, publicPath);
    expect(secret.name).toBe("interop.example.org-1");
    expect(formatPublicKey(toPublicKey(secret))).toBe(publicText);
    expect(formatSecretKey(secret)).toBe(secretText);
    expect(publicKey).toEqual(toPublicKey(secret));
  });

  it.each([
    ["a built path with references", () => builtPath],
    ["a path added with nix-store --add", () => addedPath],
  ])("signs %s exactly as Nix does, and verifies Nix's signature", (_label, storePathOf) => {
    const storePath = storePathOf();
    const { secretPath, publicPath } = generateNixKeyPair("nix-made-1", tempDir("nix-key"));
    const narInfo = readNarInfo(copyToFileCache(storePath, secretPath), storePath);
    expect(narInfo.fields.get("StorePath")).toBe(storePath);
    expect(narInfo.sigs).toHaveLength(1);
    const fingerprint = fingerprintOf(narInfo);
    const secret = parseSecretKey(readFileSync(secretPath, "utf8"), secretPath);
    expect(signFingerprint(secret, fingerprint)).toBe(narInfo.sigs[0]);
    const trusted = TrustedKeys.from(readFileSync(publicPath, "utf8"));
    expect(trusted.verify(fingerprint, narInfo.sigs[0] ?? "")).toBe(true);
    expect(trusted.verify(fingerprint.replace(/;\d+;/, ";1;"), narInfo.sigs[0] ?? "")).toBe(false);
  });

  it("includes the path itself among the sorted references of a self-referring path", () => {
    const fingerprint = fingerprintOf(
      readNarInfo(copyToFileCache(builtPath, writeKeyFile(generateSecretKey("k-1"))), builtPath),
    );
    const references = fingerprint.split(";")[4]?.split(",") ?? [];
    expect(references).toContain(builtPath);
    expect(references).toHaveLength(2);
  });

  it("lets Nix sign with a key we generated, and verifies what Nix wrote", () => {
    const secret = generateSecretKey("narwhal-made-1");
    const narInfo = readNarInfo(copyToFileCache(builtPath, writeKeyFile(secret)), builtPath);
    const fingerprint = fingerprintOf(narInfo);
    expect(narInfo.sigs).toEqual([signFingerprint(secret, fingerprint)]);
    const check = TrustedKeys.from(formatPublicKey(toPublicKey(secret))).verifyAny(fingerprint, narInfo.sigs);
    expect(check).toMatchObject({ valid: true, validKeyNames: ["narwhal-made-1"], badSignatures: [] });
  });

  it("has Nix accept a narinfo whose Sig line is ours, and refuse it under a different trusted key", () => {
    const nixSecretPath = generateNixKeyPair("nix-made-1", tempDir("nix-key")).secretPath;
    const cacheDir = copyToFileCache(builtPath, nixSecretPath);
    const ours = generateSecretKey("narwhal-made-1");
    const ourSig = signFingerprint(ours, fingerprintOf(readNarInfo(cacheDir, builtPath)));
    const file = narInfoPath(cacheDir, builtPath);
    writeFileSync(file, readFileSync(file, "utf8").replace(/^Sig: .*$/m, `Sig: ${ourSig}`));
    expect(readNarInfo(cacheDir, builtPath).sigs).toEqual([ourSig]);

    const verifyWith = (trustedPublicKeys: string) =>
      runNix("nix", [
        "store",
        "verify",
        "--store",
        `file://${cacheDir}`,
        "--trusted-public-keys",
        trustedPublicKeys,
        "--sigs-needed",
        "1",
        builtPath,
      ]);

    const accepted = verifyWith(formatPublicKey(toPublicKey(ours)));
    expect(accepted.stderr).not.toContain("untrusted");
    expect(accepted.status).toBe(0);

    const impostor = generateSecretKey("narwhal-made-1");
    const refused = verifyWith(formatPublicKey(toPublicKey(impostor)));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("untrusted");
  });
});
