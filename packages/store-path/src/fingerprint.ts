// The string Nix signs for a path in a binary cache:
// `1;<store path>;<algo:nix32 NarHash>;<NarSize>;<references as full paths, sorted by bytes, comma-joined>`.

import { FingerprintError } from "./errors.js";
import { type Hash, formatHash } from "./hash.js";
import { type StorePath, compareStorePaths } from "./store-path.js";

export interface FingerprintInput {
  storePath: StorePath;
  narHash: Hash;
  narSize: number;
  references: readonly StorePath[];
}

export function fingerprint(input: FingerprintInput): string {
  const subject = input.storePath.path;
  if (input.narSize === 0)
    throw new FingerprintError(subject, "NarSize is 0 (unknown); Nix refuses to sign or verify it");
  if (!Number.isSafeInteger(input.narSize) || input.narSize < 0) {
    throw new FingerprintError(subject, `NarSize must be a positive safe integer, got ${input.narSize}`);
  }
  const unique = new Map<string, StorePath>();
  for (const reference of input.references) {
    if (reference.storeDir !== input.storePath.storeDir) {
      throw new FingerprintError(
        subject,
        `reference ${reference.path} is not in store directory ${input.storePath.storeDir}`,
      );
    }
    unique.set(reference.path, reference);
  }
  const references = [...unique.values()].sort(compareStorePaths).map((reference) => reference.path);
  return `1;${subject};${formatHash(input.narHash)};${input.narSize};${references.join(",")}`;
}
