// Adds signatures to narinfos already in a cache (key rotation): each narinfo that passes the store's trust
// check gets one signature per secret key that has not signed it yet, and is rewritten in a single atomic put.

import type { BinaryCacheStore } from "@narwhal/store";
import { TrustedKeys, formatPublicKey, signFingerprint, toPublicKey, type SecretKey } from "@narwhal/signing";
import { fingerprint } from "@narwhal/store-path";
import { messageOf } from "./errors.js";
import { forEachConcurrent, narInfoHashParts } from "./narinfo-scan.js";

export interface SignCacheOptions {
  readonly paths?: readonly string[];
  readonly jobs?: number;
  /** Compute what would change without writing. */
  readonly dryRun?: boolean;
}

export interface SignReport {
  readonly storeUrl: string;
  /** Narinfo keys that got new signatures. */
  readonly signed: string[];
  /** Narinfo keys every key had signed already. */
  readonly alreadySigned: string[];
  readonly problems: Array<{ key: string; message: string }>;
}

export async function signCache(
  store: BinaryCacheStore,
  secretKeys: readonly SecretKey[],
  options: SignCacheOptions = {},
): Promise<SignReport> {
  const verifiers = secretKeys.map((key) => ({
    key,
    own: TrustedKeys.from([formatPublicKey(toPublicKey(key))], `public key of ${key.name}`),
  }));
  const hashParts = await narInfoHashParts(store, options.paths);
  const report: SignReport = { storeUrl: store.url, signed: [], alreadySigned: [], problems: [] };
  await forEachConcurrent(hashParts, options.jobs ?? 8, async (hashPart) => {
    const scanned = await store.scanNarInfo(hashPart);
    const key = scanned.key;
    if (scanned.info === undefined) {
      report.problems.push({ key, message: scanned.problem });
      return;
    }
    const info = scanned.info;
    try {
      store.checkTrust(info); // refuse to vouch for a narinfo the store would not accept itself
    } catch (error) {
      report.problems.push({ key, message: `not signing: ${messageOf(error)}` });
      return;
    }
    const print = fingerprint(info);
    const added: string[] = [];
    let sigs = [...info.sigs];
    for (const { key: secretKey, own } of verifiers) {
      if (sigs.some((sig) => own.verify(print, sig))) continue;
      sigs = sigs.filter((sig) => !sig.startsWith(`${secretKey.name}:`)); // a stale signature under this name
      const sig = signFingerprint(secretKey, print);
      sigs.push(sig);
      added.push(sig);
    }
    if (added.length === 0) {
      report.alreadySigned.push(key);
      return;
    }
    if (options.dryRun !== true) await store.replaceSignatures(info, sigs);
    report.signed.push(key);
  });
  report.signed.sort();
  report.alreadySigned.sort();
  return report;
}
