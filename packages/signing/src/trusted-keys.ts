// The set of public keys a reader trusts, looked up by key name as Nix does, and the checks of narinfo signatures
// against it: one signature, or all of a narinfo's signatures with a report of which names were known and valid.

import type { KeyObject } from "node:crypto";
import { KeyError } from "./errors.js";
import { publicKeyObjectFromBytes, verifyDetached } from "./ed25519.js";
import { quoteForMessage } from "./message-text.js";
import { checkPublicKeyShape, formatPublicKey, parsePublicKey, type PublicKey } from "./public-key.js";
import { fingerprintBytes, parseSignature } from "./signature.js";

/** Why a signature in {@link SignatureCheck.badSignatures} was not accepted. */
export type BadSignatureReason = "malformed" | "mismatch";

export interface BadSignature {
  /** The signature text as given. */
  readonly text: string;
  /** The key name, when the text could be parsed. */
  readonly keyName: string | undefined;
  /** `malformed`: not `<name>:<base64 of 64 bytes>`; `mismatch`: the trusted key of that name did not sign this fingerprint. */
  readonly reason: BadSignatureReason;
}

/** The outcome of checking every signature of one narinfo. */
export interface SignatureCheck {
  /** True when at least one signature was made by a trusted key over this fingerprint. */
  readonly valid: boolean;
  /** Trusted key names whose signature verified (each once, in first-seen order). */
  readonly validKeyNames: readonly string[];
  /** Key names of well-formed signatures whose key is not trusted (each once); they were not checked. */
  readonly unknownKeyNames: readonly string[];
  /** Signatures that are malformed, or are under a trusted name but do not verify. */
  readonly badSignatures: readonly BadSignature[];
}

interface TrustedKey {
  readonly publicKey: PublicKey;
  readonly keyObject: KeyObject;
}

/** Public keys by name. A signature counts only if its key name is here and Ed25519 verification succeeds. */
export class TrustedKeys {
  readonly #byName: ReadonlyMap<string, TrustedKey>;

  private constructor(byName: ReadonlyMap<string, TrustedKey>) {
    this.#byName = byName;
  }

  /**
   * From public keys, or from a string in the form of Nix's `trusted-public-keys` setting: `name:base64` entries
   * separated by whitespace. The same key listed twice is fine; two different keys under one name are an error.
   */
  static from(keys: readonly (PublicKey | string)[] | string, source = "trusted-public-keys"): TrustedKeys {
    const entries = typeof keys === "string" ? keys.split(/[ \t\n\r]+/).filter((entry) => entry !== "") : keys;
    const byName = new Map<string, TrustedKey>();
    entries.forEach((entry, index) => {
      const entrySource = `${source} entry ${index + 1}`;
      const publicKey = typeof entry === "string" ? parsePublicKey(entry, entrySource) : entry;
      checkPublicKeyShape(publicKey, entrySource);
      const existing = byName.get(publicKey.name);
      if (existing !== undefined) {
        if (formatPublicKey(existing.publicKey) === formatPublicKey(publicKey)) return;
        throw new KeyError(
          "KEY_DUPLICATE_NAME",
          entrySource,
          `key name ${quoteForMessage(publicKey.name)} is already trusted with a different key; signatures are looked up by name, so each name may have one key`,
        );
      }
      const copy: PublicKey = { name: publicKey.name, key: publicKey.key.slice() };
      byName.set(publicKey.name, { publicKey: copy, keyObject: publicKeyObjectFromBytes(copy.key) });
    });
    return new TrustedKeys(byName);
  }

  get size(): number {
    return this.#byName.size;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  has(keyName: string): boolean {
    return this.#byName.has(keyName);
  }

  get(keyName: string): PublicKey | undefined {
    const trusted = this.#byName.get(keyName);
    return trusted === undefined ? undefined : { name: trusted.publicKey.name, key: trusted.publicKey.key.slice() };
  }

  /** True only if `signature` is well formed, its key name is trusted, and it signs exactly this fingerprint. */
  verify(fingerprint: string, signature: string): boolean {
    return this.#check(fingerprintBytes(fingerprint), signature).outcome === "valid";
  }

  /** Checks all of a narinfo's `Sig:` values; see {@link SignatureCheck}. */
  verifyAny(fingerprint: string, signatures: Iterable<string>): SignatureCheck {
    const message = fingerprintBytes(fingerprint);
    const validKeyNames = new Set<string>();
    const unknownKeyNames = new Set<string>();
    const badSignatures: BadSignature[] = [];
    for (const text of signatures) {
      const result = this.#check(message, text);
      if (result.outcome === "valid") validKeyNames.add(result.keyName);
      else if (result.outcome === "unknown") unknownKeyNames.add(result.keyName);
      else badSignatures.push({ text, keyName: result.keyName, reason: result.outcome });
    }
    return {
      valid: validKeyNames.size > 0,
      validKeyNames: [...validKeyNames],
      unknownKeyNames: [...unknownKeyNames],
      badSignatures,
    };
  }

  #check(
    message: Uint8Array,
    text: string,
  ): { outcome: "valid" | "unknown" | "mismatch"; keyName: string } | { outcome: "malformed"; keyName: undefined } {
    let parsed;
    try {
      parsed = parseSignature(text);
    } catch {
      return { outcome: "malformed", keyName: undefined };
    }
    const trusted = this.#byName.get(parsed.keyName);
    if (trusted === undefined) return { outcome: "unknown", keyName: parsed.keyName };
    const matches = verifyDetached(trusted.keyObject, message, parsed.signature);
    return { outcome: matches ? "valid" : "mismatch", keyName: parsed.keyName };
  }
}
