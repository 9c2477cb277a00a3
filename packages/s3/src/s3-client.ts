// Builds the AWS SDK S3Client for an s3:// store URL: region, endpoint (path-style when set), profile through the
// SDK's default credential chain, Nix 2.35's retries (retry-* settings) and connect/request timeouts.

import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { parseStoreUrl, resolveS3Endpoint, type S3StoreUrl, type StoreUrl } from "@narwhal/store-url";
import { retrySettingsFor, type GlobalRetrySettings, type RetrySettings } from "./retry-settings.js";
import { S3TransportError } from "./s3-errors.js";
import { NixRetryStrategy } from "./nix-retry-strategy.js";

export interface S3ClientOptions {
  /** Explicit credentials (tests, embedding); omitted = the SDK's default provider chain (env, profile, SSO, ...). */
  readonly credentials?: S3ClientConfig["credentials"];
  /**
   * Attempts per request including the first, when the URL sets no retry-attempts (default: retryDefaults.attempts,
   * else Nix's filetransfer-retry-attempts default of 5).
   */
  readonly maxAttempts?: number;
  /** The global retry values (what nix.conf's filetransfer-retry-* say); the URL's retry-* settings override them. */
  readonly retryDefaults?: GlobalRetrySettings;
  /** TCP connect timeout in milliseconds (default 5,000 like Nix). */
  readonly connectTimeoutMs?: number;
  /** Socket inactivity timeout per request in milliseconds (default 600,000 like Nix). */
  readonly requestTimeoutMs?: number;
}

export interface S3Connection {
  readonly client: S3Client;
  readonly bucket: string;
  /** The endpoint requests go to, for error messages. */
  readonly endpoint: string;
  readonly url: S3StoreUrl;
  /** The region requests are signed for. */
  readonly region: string;
  /** Path-style (`endpoint/BUCKET/KEY`) rather than virtual-hosted (`BUCKET.endpoint/KEY`) addressing. */
  readonly forcePathStyle: boolean;
  /** The custom endpoint URL from the store URL, undefined for AWS itself. */
  readonly customEndpoint: string | undefined;
  /** Attempts per request including the first, as given to the SDK. */
  readonly maxAttempts: number;
  /** The retry settings both request paths follow. */
  readonly retry: RetrySettings;
  /** The retry strategy the SDK client runs, for the lean path to drive too: one retry policy per store. */
  readonly retryStrategy: NixRetryStrategy;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** Parses (when given text) and checks that the store URL is an s3:// URL. */
export function toS3StoreUrl(url: string | StoreUrl): S3StoreUrl {
  const parsed = typeof url === "string" ? parseStoreUrl(url) : url;
  if (parsed.type !== "s3") {
    throw new S3TransportError(
      "INVALID_STORE_URL",
      `store URL of type '${parsed.type}' is not an s3:// URL; the S3 transport needs s3://BUCKET`,
    );
  }
  return parsed;
}

function usesPathStyle(url: S3StoreUrl, hasEndpoint: boolean): boolean {
  const style = url.settings["addressing-style"];
  if (style === "path") return true;
  if (style === "virtual") return false;
  return hasEndpoint || url.bucket.includes(".");
}

/** Creates the SDK client and records where it sends requests. */
export function connectS3(url: string | StoreUrl, options: S3ClientOptions = {}): S3Connection {
  const s3Url = toS3StoreUrl(url);
  const { settings } = s3Url;
  const endpointUrl = resolveS3Endpoint(settings);
  const region = settings.region === "" ? "us-east-1" : settings.region;
  const endpoint = endpointUrl === undefined ? undefined : endpointUrl.href.replace(/\/$/, "");
  const forcePathStyle = usesPathStyle(s3Url, endpoint !== undefined);
  const retry = retrySettingsFor(s3Url, {
    ...options.retryDefaults,
    ...(options.maxAttempts === undefined ? {} : { attempts: options.maxAttempts }),
  });
  const maxAttempts = Math.max(1, retry.attempts);
  const retryStrategy = new NixRetryStrategy(retry);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 600_000;
  const config: S3ClientConfig = {
    region,
    forcePathStyle,
    maxAttempts,
    retryStrategy,
    // Third-party S3 servers (Ceph RGW, MinIO, ...) differ in support for the newer flexible checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: connectTimeoutMs,
      requestTimeout: requestTimeoutMs,
    },
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(settings.profile === "" ? {} : { profile: settings.profile }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  return {
    client: new S3Client(config),
    bucket: s3Url.bucket,
    endpoint: endpoint ?? `https://s3.${region}.amazonaws.com`,
    url: s3Url,
    region,
    forcePathStyle,
    customEndpoint: endpoint,
    maxAttempts,
    retry,
    retryStrategy,
    connectTimeoutMs,
    requestTimeoutMs,
  };
}
