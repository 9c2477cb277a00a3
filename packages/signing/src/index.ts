// Public API of @narwhal/signing: Nix-compatible Ed25519 key files, narinfo fingerprint signatures, and verification
// against a set of trusted public keys.

export { KeyError, SignatureError, type KeyErrorCode, type SignatureErrorCode } from "./errors.js";
export { formatPublicKey, parsePublicKey, type PublicKey } from "./public-key.js";
export { formatSecretKey, generateSecretKey, parseSecretKey, toPublicKey, type SecretKey } from "./secret-key.js";
export {
  readSecretKeyFile,
  secretKeyFileWarning,
  type ReadSecretKeyFileOptions,
  type SecretKeyFileWarning,
} from "./secret-key-file.js";
export { formatSignature, parseSignature, signFingerprint, signWithKeys, type Signature } from "./signature.js";
export {
  TrustedKeys,
  type BadSignature,
  type BadSignatureReason,
  type SignatureCheck,
} from "./trusted-keys.js";
