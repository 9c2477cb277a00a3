// The table of every store URL setting narwhal understands: name, value kind, default, meaning, store types.
// Names, types and defaults follow Nix's S3/HTTP/file binary cache stores (Nix <= 2.32 surface plus 2.33-2.35 S3 settings).

export type StoreType = "s3" | "file" | "http";

/** NAR compression methods accepted by `compression`. */
export const COMPRESSION_METHODS = ["xz", "bzip2", "gzip", "zstd", "br", "none"] as const;
export type CompressionMethod = (typeof COMPRESSION_METHODS)[number];

/** Values of narinfo-/ls-/log-compression: "" (off) or a method written as the object's Content-Encoding. */
export const CONTENT_ENCODING_METHODS = ["", "br", "gzip", "zstd", "xz", "bzip2"] as const;
export type ContentEncodingMethod = (typeof CONTENT_ENCODING_METHODS)[number];

export const S3_SCHEMES = ["", "http", "https"] as const;
export type S3Scheme = (typeof S3_SCHEMES)[number];

export const S3_ADDRESSING_STYLES = ["auto", "path", "virtual"] as const;
export type S3AddressingStyle = (typeof S3_ADDRESSING_STYLES)[number];

/** Every setting with its value; keys are the setting names exactly as written in a store URL. */
export interface StoreSettings {
  "addressing-style": S3AddressingStyle;
  "buffer-size": number;
  compression: CompressionMethod;
  "compression-level": number;
  endpoint: string;
  "index-debug-info": boolean;
  "local-nar-cache": string;
  "log-compression": ContentEncodingMethod;
  "ls-compression": ContentEncodingMethod;
  "multipart-threshold": number;
  "multipart-upload": boolean;
  "narinfo-compression": ContentEncodingMethod;
  "parallel-compression": boolean;
  "path-info-cache-size": number;
  priority: number;
  profile: string;
  region: string;
  "retry-attempts": number;
  "retry-delay": number;
  "retry-delay-rate-limited": number;
  "retry-max-delay": number;
  scheme: S3Scheme;
  "secret-key": string;
  "secret-keys": string[];
  "storage-class": string;
  store: string;
  "system-features": string[];
  trusted: boolean;
  "want-mass-query": boolean;
  "write-nar-listing": boolean;
}

export type SettingName = keyof StoreSettings;

/** How a setting's text is read and written; see setting-parsers.ts. */
export type SettingKind =
  | { readonly kind: "bool" }
  | { readonly kind: "int"; readonly min: number; readonly max: number; readonly rule?: string }
  | { readonly kind: "string" }
  | { readonly kind: "choice"; readonly choices: readonly string[] }
  | { readonly kind: "absolute-path" }
  | { readonly kind: "comma-list" }
  | { readonly kind: "space-set" }
  | { readonly kind: "s3-endpoint" }
  | { readonly kind: "storage-class" };

interface SettingDescriptorFor<K extends SettingName> {
  readonly name: K;
  /** A short type label for help output: bool, int, string, path, list, ... */
  readonly type: string;
  readonly value: SettingKind;
  readonly default: StoreSettings[K];
  readonly description: string;
  readonly appliesTo: readonly StoreType[];
  /** Other spellings that mean exactly this setting (e.g. Nix 2.33's multipart-chunk-size). */
  readonly aliases: readonly string[];
}

export type SettingDescriptor = { [K in SettingName]: SettingDescriptorFor<K> }[SettingName];

const ALL: readonly StoreType[] = ["s3", "file", "http"];
const S3_ONLY: readonly StoreType[] = ["s3"];

const INT32 = { kind: "int", min: -(2 ** 31), max: 2 ** 31 - 1 } as const;
const UINT32 = { kind: "int", min: 0, max: 2 ** 32 - 1 } as const;
const UINT53 = { kind: "int", min: 0, max: Number.MAX_SAFE_INTEGER } as const;

const MiB = 1024 * 1024;
/** S3's part size limits, which Nix 2.33+ enforces on multipart-chunk-size (and so on its alias buffer-size). */
export const S3_MIN_PART_SIZE = 5 * MiB;
export const S3_MAX_PART_SIZE = 5 * 1024 * MiB;
const PART_SIZE = {
  kind: "int",
  min: S3_MIN_PART_SIZE,
  max: S3_MAX_PART_SIZE,
  rule: "S3 parts are at least 5 MiB (5242880) and at most 5 GiB (5368709120), as Nix 2.33+ requires",
} as const;

/** Nix 2.35's global retry settings (nix.conf filetransfer-retry-*), which the per-store retry-* settings override. */
export const NIX_RETRY_DEFAULTS = {
  /** filetransfer-retry-attempts (alias download-attempts): attempts in all, the first included. */
  attempts: 5,
  /** filetransfer-retry-delay: base delay in ms of transient failures, doubled per attempt. */
  delayMs: 100,
  /** filetransfer-retry-delay-rate-limited: base delay in ms after HTTP 429 or 503. */
  delayRateLimitedMs: 5000,
  /** filetransfer-retry-max-delay: ceiling of the backoff in ms (Retry-After is honoured above it). */
  maxDelayMs: 60_000,
  /** filetransfer-retry-jitter: wait a random time between 0 and the backoff ("full jitter"). */
  jitter: true,
} as const;

/** Sorted by name. */
export const STORE_SETTINGS: readonly SettingDescriptor[] = [
  {
    name: "addressing-style",
    type: "auto|path|virtual",
    value: { kind: "choice", choices: S3_ADDRESSING_STYLES },
    default: "auto",
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "S3 request style (Nix 2.34+). auto: virtual-hosted for AWS, path-style for a custom endpoint or a dotted bucket.",
  },
  {
    name: "buffer-size",
    type: "int (bytes)",
    value: PART_SIZE,
    default: 5 * MiB,
    appliesTo: S3_ONLY,
    aliases: ["multipart-chunk-size"],
    description:
      "Part size in bytes for multipart uploads (5 MiB), 5 MiB to 5 GiB. Nix 2.33+ calls it multipart-chunk-size.",
  },
  {
    name: "compression",
    type: "xz|bzip2|gzip|zstd|br|none",
    value: { kind: "choice", choices: COMPRESSION_METHODS },
    default: "xz",
    appliesTo: ALL,
    aliases: [],
    description: "Compression method for NAR files; it decides the NAR file extension.",
  },
  {
    name: "compression-level",
    type: "int",
    value: INT32,
    default: -1,
    appliesTo: ALL,
    aliases: [],
    description: "Compression level for NARs; -1 means the method's own default.",
  },
  {
    name: "endpoint",
    type: "url or host[:port]",
    value: { kind: "s3-endpoint" },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "S3-compatible service to talk to instead of AWS (e.g. http://localhost:9000); implies path-style requests.",
  },
  {
    name: "index-debug-info",
    type: "bool",
    value: { kind: "bool" },
    default: false,
    appliesTo: ALL,
    aliases: [],
    description: "Write debuginfo/<build-id> links for ELF debug files found in uploaded paths.",
  },
  {
    name: "local-nar-cache",
    type: "path",
    value: { kind: "string" },
    default: "",
    appliesTo: ALL,
    aliases: [],
    description: "Local directory where fetched NARs are kept for reuse; empty disables it.",
  },
  {
    name: "log-compression",
    type: "''|br|gzip|zstd|xz|bzip2",
    value: { kind: "choice", choices: CONTENT_ENCODING_METHODS },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "Compress build logs (log/*) with this method and store them with that Content-Encoding; empty is off.",
  },
  {
    name: "ls-compression",
    type: "''|br|gzip|zstd|xz|bzip2",
    value: { kind: "choice", choices: CONTENT_ENCODING_METHODS },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description: "Compress .ls listings with this method and store them with that Content-Encoding; empty is off.",
  },
  {
    name: "multipart-threshold",
    type: "int (bytes)",
    value: UINT53,
    default: 100 * MiB,
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "With multipart-upload, objects larger than this (100 MiB) go as multipart uploads, others as one PUT (Nix 2.33+). " +
      "Must not be below multipart-chunk-size when multipart-upload is on.",
  },
  {
    name: "multipart-upload",
    type: "bool",
    value: { kind: "bool" },
    default: false,
    appliesTo: S3_ONLY,
    aliases: [],
    description: "Upload objects larger than multipart-threshold to S3 in parts of multipart-chunk-size bytes.",
  },
  {
    name: "narinfo-compression",
    type: "''|br|gzip|zstd|xz|bzip2",
    value: { kind: "choice", choices: CONTENT_ENCODING_METHODS },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description: "Compress .narinfo files with this method and store them with that Content-Encoding; empty is off.",
  },
  {
    name: "parallel-compression",
    type: "bool",
    value: { kind: "bool" },
    default: false,
    appliesTo: ALL,
    aliases: [],
    description: "Compress NARs on several threads (xz and zstd only).",
  },
  {
    name: "path-info-cache-size",
    type: "int",
    value: UINT32,
    default: 65536,
    appliesTo: ALL,
    aliases: [],
    description: "Number of path-info entries kept in the in-memory cache.",
  },
  {
    name: "priority",
    type: "int",
    value: INT32,
    default: 0,
    appliesTo: ALL,
    aliases: [],
    description: "Preference among substituters (lower wins); when not set, nix-cache-info's Priority applies.",
  },
  {
    name: "profile",
    type: "string",
    value: { kind: "string" },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description: "AWS credentials profile to use; empty means the default credential chain.",
  },
  {
    name: "region",
    type: "string",
    value: { kind: "string" },
    default: "us-east-1",
    appliesTo: S3_ONLY,
    aliases: [],
    description: "AWS region of the bucket (also used for request signing with a custom endpoint).",
  },
  {
    name: "retry-attempts",
    type: "int",
    value: UINT32,
    default: 0,
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "Attempts per S3 request, the first included (Nix 2.35). When not set, nix.conf's filetransfer-retry-attempts (5); " +
      "an explicit 0 or 1 means no retry.",
  },
  {
    name: "retry-delay",
    type: "int (ms)",
    value: UINT32,
    default: 0,
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "Base backoff in ms for transient failures, doubled per attempt (Nix 2.35). When not set, filetransfer-retry-delay (100).",
  },
  {
    name: "retry-delay-rate-limited",
    type: "int (ms)",
    value: UINT32,
    default: 0,
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "Base backoff in ms after HTTP 429 or 503 (SlowDown) (Nix 2.35). When not set, filetransfer-retry-delay-rate-limited (5000).",
  },
  {
    name: "retry-max-delay",
    type: "int (ms)",
    value: UINT32,
    default: 0,
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "Ceiling in ms of the backoff; a longer Retry-After is still honoured (Nix 2.35). When not set, filetransfer-retry-max-delay (60000).",
  },
  {
    name: "scheme",
    type: "''|http|https",
    value: { kind: "choice", choices: S3_SCHEMES },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description: "Protocol for a bare host[:port] endpoint; empty means https. Ignored when endpoint is a full URL.",
  },
  {
    name: "secret-key",
    type: "path",
    value: { kind: "string" },
    default: "",
    appliesTo: ALL,
    aliases: [],
    description: "File holding a secret key (name:base64) used to sign uploaded paths.",
  },
  {
    name: "secret-keys",
    type: "comma-separated paths",
    value: { kind: "comma-list" },
    default: [],
    appliesTo: ALL,
    aliases: [],
    description: "Further secret key files; every key signs every uploaded path.",
  },
  {
    name: "storage-class",
    type: "string",
    value: { kind: "storage-class" },
    default: "",
    appliesTo: S3_ONLY,
    aliases: [],
    description:
      "S3 storage class sent as x-amz-storage-class with every upload (STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, " +
      "INTELLIGENT_TIERING, GLACIER_IR, ...); empty means the bucket's default (Nix 2.33+).",
  },
  {
    name: "store",
    type: "absolute path",
    value: { kind: "absolute-path" },
    default: "/nix/store",
    appliesTo: ALL,
    aliases: [],
    description: "Logical store directory of the cache; must match the cache's StoreDir.",
  },
  {
    name: "system-features",
    type: "space-separated list",
    value: { kind: "space-set" },
    default: [],
    appliesTo: ALL,
    aliases: [],
    description:
      "Features this store offers for builds. Nix defaults to the host's features; narwhal uses an empty list.",
  },
  {
    name: "trusted",
    type: "bool",
    value: { kind: "bool" },
    default: false,
    appliesTo: ALL,
    aliases: [],
    description: "Accept paths from this store without valid signatures.",
  },
  {
    name: "want-mass-query",
    type: "bool",
    value: { kind: "bool" },
    default: false,
    appliesTo: ALL,
    aliases: [],
    description: "Let clients query many paths at once; when not set, nix-cache-info's WantMassQuery applies.",
  },
  {
    name: "write-nar-listing",
    type: "bool",
    value: { kind: "bool" },
    default: false,
    appliesTo: ALL,
    aliases: [],
    description: "Write a <hash>.ls JSON listing of each NAR's files.",
  },
];

const BY_NAME = new Map<string, SettingDescriptor>();
for (const descriptor of STORE_SETTINGS) {
  BY_NAME.set(descriptor.name, descriptor);
  for (const alias of descriptor.aliases) BY_NAME.set(alias, descriptor);
}

/** Finds a setting by its name or one of its aliases. */
export function findSetting(nameOrAlias: string): SettingDescriptor | undefined {
  return BY_NAME.get(nameOrAlias);
}

/** Every name a URL may use: canonical names and aliases. */
export function allSettingSpellings(): string[] {
  return [...BY_NAME.keys()];
}

/** A fresh settings object holding every default (lists are new arrays). */
export function defaultStoreSettings(): StoreSettings {
  const settings: Record<string, unknown> = {};
  for (const descriptor of STORE_SETTINGS) {
    settings[descriptor.name] = Array.isArray(descriptor.default) ? [...descriptor.default] : descriptor.default;
  }
  return settings as unknown as StoreSettings;
}
