// AWS Signature Version 4 (header form) for S3 requests: canonical request, string to sign, and a signing key
// cached per day, region and secret so each request costs two SHA-256 digests and one HMAC.

import { createHash, createHmac } from "node:crypto";

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RequestToSign {
  readonly method: string;
  /** The already URI-encoded path, exactly as sent (S3 does not encode it a second time). */
  readonly path: string;
  /** The canonical query string (see `canonicalQuery`), "" when there is none. */
  readonly query: string;
  /** Headers to send and sign, including `host`; names in any case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the payload, or "UNSIGNED-PAYLOAD". */
  readonly payloadHash: string;
}

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const ALGORITHM = "AWS4-HMAC-SHA256";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `YYYYMMDDTHHMMSSZ` as SigV4's x-amz-date wants it. */
export function amzDate(when: Date): string {
  return when.toISOString().replace(/[-:]|\.\d{3}/g, "");
}

function trimHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, " ");
}

export class SigV4Signer {
  readonly #region: string;
  readonly #service: string;
  #cachedKey: { secret: string; day: string; key: Buffer } | undefined;

  constructor(region: string, service = "s3") {
    this.#region = region;
    this.#service = service;
  }

  /**
   * Signs `request` at time `when`: returns the headers to send (the request's own plus x-amz-date,
   * x-amz-content-sha256, x-amz-security-token when the credentials carry a session token, and authorization).
   */
  sign(request: RequestToSign, credentials: SigningCredentials, when: Date = new Date()): Record<string, string> {
    const stamp = amzDate(when);
    const day = stamp.slice(0, 8);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = trimHeaderValue(value);
    headers["x-amz-date"] = stamp;
    headers["x-amz-content-sha256"] = request.payloadHash;
    if (credentials.sessionToken !== undefined && credentials.sessionToken !== "") {
      headers["x-amz-security-token"] = credentials.sessionToken;
    }
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(";");
    let canonicalHeaders = "";
    for (const name of names) canonicalHeaders += `${name}:${headers[name]}\n`;
    const canonicalRequest = `${request.method}\n${request.path}\n${request.query}\n${canonicalHeaders}\n${signedHeaders}\n${request.payloadHash}`;
    const scope = `${day}/${this.#region}/${this.#service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${stamp}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac("sha256", this.#signingKey(credentials.secretAccessKey, day))
      .update(stringToSign)
      .digest("hex");
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  #signingKey(secret: string, day: string): Buffer {
    const cached = this.#cachedKey;
    if (cached !== undefined && cached.secret === secret && cached.day === day) return cached.key;
    const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.#region), this.#service), "aws4_request");
    this.#cachedKey = { secret, day, key };
    return key;
  }
}
