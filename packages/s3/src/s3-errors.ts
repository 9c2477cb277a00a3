// The typed error of the S3 transport and the translation of AWS SDK / network failures into it.
// Every message names the operation, the object (s3://bucket/key) and the cause in one line.

export type S3TransportErrorCode =
  | "NO_SUCH_BUCKET"
  | "INVALID_CREDENTIALS"
  | "ACCESS_DENIED"
  | "ENDPOINT_UNREACHABLE"
  | "TIMEOUT"
  | "THROTTLED"
  | "REQUEST_FAILED"
  | "BODY_FAILED"
  | "CONTENT_ENCODING_REFUSED"
  | "INVALID_STORE_URL"
  | "INVALID_OPTION"
  | "OBJECT_TOO_LARGE";

export interface S3ErrorContext {
  /** What was being done, e.g. "put", "get", "list". */
  readonly operation: string;
  readonly bucket: string;
  readonly key?: string;
  /** Where requests go, for messages about unreachable endpoints. */
  readonly endpoint?: string;
}

export class S3TransportError extends Error {
  override readonly name = "S3TransportError";
  readonly code: S3TransportErrorCode;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** The S3 error code (e.g. NoSuchBucket) or network error code (e.g. ECONNREFUSED), when there was one. */
  readonly remoteCode: string | undefined;

  constructor(
    code: S3TransportErrorCode,
    message: string,
    details: { bucket?: string; key?: string; remoteCode?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.bucket = details.bucket;
    this.key = details.key;
    this.remoteCode = details.remoteCode;
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const CREDENTIAL_CODES = new Set([
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "ExpiredToken",
  "InvalidToken",
  "CredentialsProviderError",
]);
const THROTTLE_CODES = new Set(["SlowDown", "Throttling", "ThrottlingException", "TooManyRequestsException"]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): ErrorShape {
  return typeof error === "object" && error !== null ? (error as ErrorShape) : {};
}

/** The network error code (ECONNREFUSED, ...) anywhere in the cause chain or an AggregateError's members. */
function findNetworkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5) return undefined;
  const e = shape(error);
  if (typeof e.code === "string" && (NETWORK_CODES.has(e.code) || TIMEOUT_CODES.has(e.code))) return e.code;
  if (Array.isArray(e.errors)) {
    for (const member of e.errors) {
      const found = findNetworkCode(member, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return e.cause === undefined ? undefined : findNetworkCode(e.cause, depth + 1);
}

/** The S3 error code of an SDK service exception (its `name`, or `Code` from the XML body). */
export function s3ErrorCode(error: unknown): string | undefined {
  const e = shape(error);
  if (typeof e.Code === "string") return e.Code;
  if (typeof e.name === "string" && e.name !== "Error") return e.name;
  return undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  return shape(error).$metadata?.httpStatusCode;
}

/** True for answers that mean "this object is not there" on reads: 404, NoSuchKey, and 403 AccessDenied like Nix. */
export function isAbsentAnswer(error: unknown): boolean {
  const code = s3ErrorCode(error);
  if (code !== undefined && CREDENTIAL_CODES.has(code)) return false;
  if (code === "NoSuchBucket") return false;
  if (code === "NoSuchKey" || code === "NotFound" || code === "AccessDenied" || code === "Forbidden") return true;
  const status = httpStatusOf(error);
  return status === 404 || status === 403;
}

function describe(context: S3ErrorContext): string {
  return context.key === undefined ? `s3://${context.bucket}` : `s3://${context.bucket}/${context.key}`;
}

function causeText(error: unknown): string {
  const message = shape(error).message;
  return typeof message === "string" && message !== "" ? message : String(error);
}

/** Turns whatever the SDK or the network threw into an S3TransportError naming bucket, key and cause. */
export function toTransportError(error: unknown, context: S3ErrorContext): S3TransportError {
  if (error instanceof S3TransportError) return error;
  const where = `${context.operation} ${describe(context)}`;
  const base = { bucket: context.bucket, ...(context.key === undefined ? {} : { key: context.key }), cause: error };
  const networkCode = findNetworkCode(error);
  if (networkCode !== undefined && NETWORK_CODES.has(networkCode)) {
    return new S3TransportError(
      "ENDPOINT_UNREACHABLE",
      `${where} failed: endpoint ${context.endpoint ?? "(AWS default)"} is unreachable (${networkCode})`,
      { ...base, remoteCode: networkCode },
    );
  }
  const code = s3ErrorCode(error) ?? networkCode;
  const status = httpStatusOf(error);
  const remote = { ...base, ...(code === undefined ? {} : { remoteCode: code }) };
  if (code === "NoSuchBucket") {
    return new S3TransportError(
      "NO_SUCH_BUCKET",
      `${where} failed: bucket '${context.bucket}' does not exist (NoSuchBucket)`,
      remote,
    );
  }
  if (code !== undefined && CREDENTIAL_CODES.has(code)) {
    return new S3TransportError(
      "INVALID_CREDENTIALS",
      `${where} failed: the credentials were refused (${code}); check the access key id and secret key or the profile`,
      remote,
    );
  }
  if (code === "AccessDenied" || status === 403) {
    return new S3TransportError("ACCESS_DENIED", `${where} failed: access denied (${code ?? "403"})`, remote);
  }
  if ((code !== undefined && THROTTLE_CODES.has(code)) || status === 429 || status === 503) {
    return new S3TransportError(
      "THROTTLED",
      `${where} failed: still throttled after retries (${code ?? String(status)})`,
      remote,
    );
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new S3TransportError(
      "TIMEOUT",
      `${where} failed: request timed out at ${context.endpoint ?? "AWS"} (${code})`,
      remote,
    );
  }
  return new S3TransportError(
    "REQUEST_FAILED",
    `${where} failed: ${code === undefined ? "" : `${code}: `}${causeText(error)}`,
    remote,
  );
}
