// Whether a narinfo read from a cache may be used: it needs a valid signature by a trusted key, unless the store
// is trusted, signatures are not required, or it is a content-addressed path that recomputes to its own path.

import { fingerprint, makeContentAddressedPath, type NarInfo } from "@narwhal/store-path";
import type { TrustedKeys } from "@narwhal/signing";
import { StoreError, objectName } from "./errors.js";

export interface SignaturePolicy {
  /** Keys whose signatures are accepted; none means no signature can be accepted. */
  readonly trustedKeys: TrustedKeys | undefined;
  /** False to accept unsigned paths (the store's `trusted=true` setting or an explicit opt-out). */
  readonly requireSigs: boolean;
}

/** True when the narinfo's CA field recomputes to its own store path (such a path needs no signature). */
export function isSelfCertifyingContentAddress(info: NarInfo): boolean {
  if (info.ca === undefined) return false;
  const self = info.storePath;
  const others = info.references.filter((reference) => !reference.equals(self));
  try {
    const expected = makeContentAddressedPath(info.ca, {
      name: self.name,
      references: others,
      hasSelfReference: others.length !== info.references.length,
      storeDir: self.storeDir,
    });
    return expected.equals(self);
  } catch {
    return false;
  }
}

/**
 * Why a narinfo may be used: a trusted signature; its content address, which holds only once the NAR was read and
 * recomputes to that address (the read path checks it); or because signatures are not required.
 */
export type TrustBasis = "signature" | "content-address" | "not-required";

export function checkNarInfoTrust(info: NarInfo, policy: SignaturePolicy, key: string, storeUrl: string): TrustBasis {
  if (!policy.requireSigs) return "not-required";
  const trusted = policy.trustedKeys;
  const check = trusted?.verifyAny(fingerprint(info), info.sigs);
  if (check?.valid === true) return "signature";
  if (isSelfCertifyingContentAddress(info)) return "content-address";
  const signers = new Set<string>();
  for (const sig of info.sigs) {
    const colon = sig.indexOf(":");
    signers.add(colon > 0 ? sig.slice(0, colon) : "(malformed)");
  }
  const found = signers.size === 0 ? "no signatures" : `signatures by key(s) ${[...signers].join(", ")}`;
  const trustedNames =
    trusted === undefined || trusted.size === 0
      ? "no trusted keys are configured"
      : `trusted key(s): ${trusted.names().join(", ")}`;
  const bad = check?.badSignatures.filter((sig) => sig.reason === "mismatch").map((sig) => sig.keyName) ?? [];
  const badText = bad.length === 0 ? "" : `; signature(s) under trusted name(s) ${bad.join(", ")} do not verify`;
  throw new StoreError(
    "UNTRUSTED_SIGNATURES",
    `${objectName(key, storeUrl)} for ${info.storePath.path} has no valid signature by a trusted key: found ${found}; ${trustedNames}${badText}`,
    { key, storeUrl },
  );
}
