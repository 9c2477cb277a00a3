// Public API of @narwhal/store-path: nix32, hashes, store paths and their construction, content addresses,
// narinfo, fingerprints, nix-cache-info and the outputs of a .drv. Everything other packages use is exported from here.

export {
  NixFormatError,
  Nix32Error,
  HashFormatError,
  StoreDirError,
  StorePathError,
  StorePathConstructionError,
  ContentAddressError,
  NarInfoParseError,
  NarInfoFormatError,
  FingerprintError,
  NixCacheInfoError,
  type NixFormatErrorCode,
} from "./errors.js";
export { NIX32_ALPHABET, encodeNix32, decodeNix32, nix32EncodedLength, nix32DecodedLength, isNix32 } from "./nix32.js";
export {
  type HashAlgorithm,
  type HashEncoding,
  HASH_ALGORITHMS,
  digestSize,
  encodedDigestLengths,
  isHashAlgorithm,
} from "./hash-algorithm.js";
export { Hash, type HashFormat, type FormatHashOptions, parseHash, formatHash, hashBytes } from "./hash.js";
export { HashSink, type HashResult, createHasher, hashStream } from "./hash-sink.js";
export { compressHash } from "./compress-hash.js";
export { DEFAULT_STORE_DIR, validateStoreDir } from "./store-dir.js";
export {
  StorePath,
  STORE_PATH_HASH_LENGTH,
  STORE_PATH_MAX_NAME_LENGTH,
  MISSING_NAME,
  parseStorePath,
  parseStorePathBaseName,
  isStorePath,
  compareStorePaths,
} from "./store-path.js";
export {
  type FileIngestionMethod,
  type FixedOutputPathOptions,
  type TextPathOptions,
  makeStorePath,
  makeFixedOutputPath,
  makeTextPath,
} from "./store-path-construction.js";
export {
  type ContentAddress,
  type ContentAddressedPathOptions,
  parseContentAddress,
  formatContentAddress,
  makeContentAddressedPath,
} from "./content-address.js";
export { type NarInfo, narInfoFileFor } from "./narinfo.js";
export { type ParseNarInfoOptions, parseNarInfo } from "./narinfo-parse.js";
export { formatNarInfo } from "./narinfo-format.js";
export { type FingerprintInput, fingerprint } from "./fingerprint.js";
export {
  type NixCacheInfo,
  type ParseNixCacheInfoOptions,
  parseNixCacheInfo,
  formatNixCacheInfo,
} from "./nix-cache-info.js";
export { parseDerivationOutputs, DerivationFormatError, type DerivationOutput } from "./derivation-outputs.js";
